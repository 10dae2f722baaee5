"""A storyline link's stored form (both backends): compact JSON pairs, read back the same, and rows
written before (JSON with spaces) still read."""

from __future__ import annotations

from storyline.storage.rows import StoryLink
from storyline.storage.storyline_form import link_from_row, link_values


def test_a_link_round_trips_through_its_row_without_spaces():
    link = StoryLink("s9", "L2", (("n:varga", 3), ("n:łódź", 1), ("age:41", 2)), 5, 10.0, 20.0, 12)
    row = link_values(link)
    assert " " not in row[2] and "łódź" in row[2]  # compact, and not escaped to \\u sequences
    assert link_from_row(row) == link


def test_rows_written_by_the_first_form_still_read():
    old = ("s1", "L1", '[["n:varga", 3], ["age:23", 1]]', 4, None, None, 7)
    assert link_from_row(old) == StoryLink("s1", "L1", (("n:varga", 3), ("age:23", 1)), 4, None, None, 7)
