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
