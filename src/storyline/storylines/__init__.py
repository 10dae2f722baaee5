"""Storylines: the layer above stories. A storyline links the events (stories) that continue one another
over days or weeks: the arrest, then the trial; the toll rising; a Games of many medal events. It only
reads story assignments; it never changes them."""

from storyline.storage.rows import StorylineEvent, StorylineSummary, StorylineUpdate, StoryLink
from storyline.storylines.linker import StorylineLinker, storyline_id
from storyline.storylines.params import StorylineParams

__all__ = ["StoryLink", "StorylineEvent", "StorylineLinker", "StorylineParams", "StorylineSummary",
           "StorylineUpdate", "storyline_id"]
