// Storyline page behaviour: the story list refreshes itself when articles arrive, and searches as you type.
(function () {
  "use strict";
  const list = document.getElementById("stories");
  if (!list) return;
  const form = document.getElementById("search");
  const live = document.getElementById("live");
  const pollMs = Number(list.dataset.poll) || 4000;
  let version = Number(list.dataset.version) || 0;
  let busy = false;

  function params() {
    const data = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...data.entries()]) if (!value) data.delete(key);
    return data;
  }

  async function refresh(markNew) {
    if (busy) return;
    busy = true;
    try {
      const before = new Set([...list.querySelectorAll("[data-id]")].map((e) => e.dataset.id + ":" + e.dataset.size));
      const response = await fetch("/partials/stories?" + params(), { cache: "no-store" });
      if (!response.ok) return;
      version = Number(response.headers.get("X-Storyline-Version")) || version;
      list.innerHTML = await response.text();
      if (markNew) {
        let fresh = 0;
        for (const item of list.querySelectorAll("[data-id]")) {
          if (!before.has(item.dataset.id + ":" + item.dataset.size)) { item.classList.add("fresh"); fresh++; }
        }
        if (fresh && live) live.textContent = fresh + " new or updated at " + new Date().toLocaleTimeString();
      }
    } catch (err) {
      if (live) live.textContent = "Offline: retrying…";
    } finally {
      busy = false;
    }
  }

  async function poll() {
    try {
      const response = await fetch("/api/version", { cache: "no-store" });
      if (response.ok) {
        const latest = (await response.json()).version;
        if (latest !== version) await refresh(true);
      }
    } catch (err) { /* the server may be restarting: try again next time */ }
    setTimeout(poll, pollMs);
  }

  if (list.dataset.live === "1") setTimeout(poll, pollMs);

  if (form) {
    let timer = null;
    const search = () => {
      const query = params().toString();
      history.replaceState(null, "", query ? "/?" + query : "/");
      const pager = document.querySelector(".pager");
      if (pager) pager.hidden = true;  // its links belong to the old query: the submit button pages again
      refresh(false);
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 300); });
    form.addEventListener("change", () => { clearTimeout(timer); search(); });
  }
})();

// Story and entity pages: the reading-language menu (remembered in localStorage and a cookie the server
// reads), and a brief still being written filled in when it is ready (the page itself never waits for it).
(function () {
  "use strict";
  const view = document.querySelector(".story-view, .entity-view");
  if (!view) return;
  const KEY = "storyline_lang";
  const menu = document.getElementById("reading-lang");

  function remember(lang) {
    try { localStorage.setItem(KEY, lang); } catch (err) { /* private mode: the cookie still holds it */ }
    document.cookie = KEY + "=" + encodeURIComponent(lang) + "; path=/; max-age=31536000; SameSite=Lax";
  }

  if (menu) {
    const button = menu.form && menu.form.querySelector("button");
    if (button) button.hidden = true;  // with script the choice applies at once
    menu.addEventListener("change", () => {
      remember(menu.value);
      const url = new URL(location.href);
      url.searchParams.delete("lang");
      location.assign(url.pathname + (url.search || ""));
    });
    // a choice kept in localStorage but not (or no longer) in the cookie: restore the cookie, show the page in it
    let saved = null;
    try { saved = localStorage.getItem(KEY); } catch (err) { saved = null; }
    const inCookie = document.cookie.split("; ").some((c) => c.startsWith(KEY + "="));
    if (saved !== null && !inCookie && !new URL(location.href).searchParams.has("lang")) {
      remember(saved);
      if (saved !== menu.value) location.reload();
    }
  }

  const brief = document.getElementById("brief");
  if (!brief || brief.dataset.status !== "pending") return;
  let delay = 1000;
  async function check() {
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("brief");
        if (fresh && fresh.dataset.status !== "pending") {
          brief.replaceWith(document.importNode(fresh, true));
          const title = page.querySelector(".story-view h1");
          const mine = view.querySelector("h1");
          if (title && mine) mine.textContent = title.textContent;
          return;
        }
      }
    } catch (err) { /* the server may be busy or restarting: try again */ }
    delay = Math.min(delay * 1.5, 8000);
    setTimeout(check, delay);
  }
  setTimeout(check, delay);
})();
