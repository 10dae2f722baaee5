"""Deeply nested HTML made shallow enough to parse, its text kept.

libxml2 (under lxml, under trafilatura) stops building the tree 255 levels down, so text nested
deeper vanished and the page was rejected as too short. Tags nested past a limit are taken out
(paragraph and heading tags and line breaks stay, so the text keeps its breaks); shallower pages
come back unchanged.

>>> flatten_deep("<div>" * 3 + "<p>Deep text</p>" + "</div>" * 3, limit=1)
'<div><p>Deep text</p></div>'
"""

from __future__ import annotations

import re

DEPTH_LIMIT = 150
# a tag runs to the first ">" (one quoted in an attribute ends it early: harmless for counting depth,
# and scanning stays linear on hostile input)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*>")
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"])
# cannot nest in themselves: depth stays bounded
_KEEP_DEEP = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "br"])
_RAW_TEXT = frozenset(("script", "style", "textarea", "title"))


def flatten_deep(html: str, limit: int = DEPTH_LIMIT) -> str:
    """``html`` with the tags more than ``limit`` elements deep removed (their text kept); unchanged
    when no element is that deep. One pass, linear in the length of the page."""
    if html.count("<") <= limit:
        return html  # too few tags to be that deep
    lower = html.lower()
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, kept in the output)
    kept_depth = 0
    changed = False
    pos = last = 0
    gt = -1  # the next ">" at or after pos, found once for the tags before it
    while True:
        start = html.find("<", pos)
        if start < 0:
            break
        if html.startswith("<!--", start):  # an unclosed comment runs to the end, as in a browser
            end = html.find("-->", start + 4)
            pos = len(html) if end < 0 else end + 3
            continue
        if gt < start:
            gt = html.find(">", start)
            if gt < 0:
                break  # no tag can end: the rest is text
        match = _TAG.match(html, start, gt + 1)
        if match is None:
            pos = start + 1
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        pos = match.end()
        if closing:
            keep = _close(stack, name)
            if keep is not None:
                kept_depth -= sum(1 for _, kept in keep if kept)
                if not keep[-1][1]:
                    out.append(html[last:start])
                    last, changed = pos, True
            continue
        if name in _RAW_TEXT:  # their content is text, never tags
            end = lower.find(f"</{name}", pos)
            pos = len(html) if end < 0 else end
        if name in _VOID or match.group(0).endswith("/>"):
            continue
        keep_tag = kept_depth < limit or name in _KEEP_DEEP
        stack.append((name, keep_tag))
        if keep_tag:
            kept_depth += 1
        else:
            out.append(html[last:start])
            last, changed = pos, True
    if not changed:
        return html
    out.append(html[last:])
    return "".join(out)


def _close(stack: list[tuple[str, bool]], name: str) -> list[tuple[str, bool]] | None:
    """Pop up to the nearest open ``name`` (elements left open inside it close with it, as in a
    browser): the popped entries, ``name``'s own last; None if ``name`` is not open."""
    for i in range(len(stack) - 1, max(-1, len(stack) - 64), -1):  # stray closers do not search far
        if stack[i][0] == name:
            popped = stack[i:][::-1]
            del stack[i:]
            return popped
    return None
