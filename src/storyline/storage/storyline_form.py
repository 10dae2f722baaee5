"""How both backends store a storyline link: one home for the row's values and for reading it back.
The names are JSON pairs ``[["n:varga",3],…]`` without spaces, written by one encoder made once (a
``json.dumps`` with options builds a new encoder on every call: most of the cost of a batch's links)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storyline.storage.rows import StoryLink

LINK_COLUMNS = "story_id, storyline_id, names, size, first, last, step"
_NAMES = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def link_values(link: StoryLink) -> tuple[Any, ...]:
    """The row of ``LINK_COLUMNS`` a link is stored as.

    >>> link_values(StoryLink("s1", "L1", (("n:varga", 3), ("age:23", 1)), 4, 0.0, 86400.0, 7))
    ('s1', 'L1', '[["n:varga",3],["age:23",1]]', 4, 0.0, 86400.0, 7)
    """
    return (link.story_id, link.storyline_id, _NAMES.encode(link.names), link.size, link.first, link.last,
            link.step)


def link_from_row(row: Sequence[Any]) -> StoryLink:
    """A stored row of ``LINK_COLUMNS`` back as a link (rows written with spaces read the same).

    >>> link_from_row(("s1", "L1", '[["n:varga", 3]]', 4, None, None, 7)).names
    (('n:varga', 3),)
    """
    names = tuple((name, int(count)) for name, count in json.loads(row[2]))
    return StoryLink(row[0], row[1], names, int(row[3]), row[4], row[5], int(row[6]))
