"""A story's place in its storyline, read through the Store protocol: the events before and after it.
One home for what the story page, its API detail, `storyline show` and the brief's text all say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyline.storage import Store


@dataclass(frozen=True)
class Neighbour:
    story_id: str
    headline: str


@dataclass(frozen=True)
class StoryPlace:
    """Story ``position`` (1-based) of the ``events`` of storyline ``id``; the events around it (None at an end)."""

    id: str
    events: int
    position: int
    previous: Neighbour | None
    next: Neighbour | None


def story_place(store: Store, story_id: str) -> StoryPlace | None:
    """Where a story stands in its storyline's timeline (None when it has no storyline)."""
    line_id = store.storyline_of(story_id)
    if line_id is None:
        return None
    events = store.storyline_events(line_id)
    at = next((n for n, e in enumerate(events) if e.story_id == story_id), None)
    if at is None:
        return None

    def neighbour(n: int) -> Neighbour | None:
        return Neighbour(events[n].story_id, events[n].headline) if 0 <= n < len(events) else None

    return StoryPlace(line_id, len(events), at + 1, neighbour(at - 1), neighbour(at + 1))


def place_lines(place: StoryPlace, markdown: bool = False) -> list[str]:
    """The storyline of a story as the text and Markdown briefs end with it.

    >>> place = StoryPlace("L1", 3, 2, Neighbour("s1", "Raid"), Neighbour("s3", "Resignation"))
    >>> place_lines(place)
    ['Storyline L1 (event 2 of 3)', '  before: s1  Raid', '  next:   s3  Resignation']
    >>> place_lines(place, markdown=True)[1]
    '- before: **s1** Raid'
    """
    lines = [f"## Storyline {place.id} (event {place.position} of {place.events})" if markdown
             else f"Storyline {place.id} (event {place.position} of {place.events})"]
    for label, event in (("before:", place.previous), ("next:", place.next)):
        if event is not None:
            lines.append(f"- {label} **{event.story_id}** {event.headline}" if markdown
                         else f"  {label:<8}{event.story_id}  {event.headline}")
    return lines
