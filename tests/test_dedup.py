"""Near-duplicate detection: copies found, distinct texts not, earliest version wins."""

from hypothesis import given, settings, strategies as st

from storyline.dedup import DuplicateIndex, shingles

BASE = (
    "Dock workers in the port of Valmare walked out on Monday after talks on a new wage deal "
    "collapsed, leaving dozens of container ships waiting offshore. The union said the strike "
    "would last at least three days unless the port authority returned to the table with a "
    "better offer for night-shift crews and seasonal staff."
)


def test_copy_with_changed_ending_is_found_and_points_to_the_earliest():
    index = DuplicateIndex()
    index.add("orig", index.signature(BASE))
    copy1 = BASE + " Reporting by the Harbour Post."
    assert index.find(index.signature(copy1)) == "orig"
    index.add("copy1", index.signature(copy1), "orig")
    copy2 = copy1.replace("Reporting by the Harbour Post.", "Source: agencies.")
    assert index.find(index.signature(copy2)) == "orig"


def test_same_topic_but_different_text_is_not_a_copy():
    index = DuplicateIndex()
    index.add("orig", index.signature(BASE))
    other = ("The port authority of Valmare said on Tuesday it would ask a court to end the "
             "dock strike, arguing that ships carrying medicine must be unloaded first; union "
             "leaders called the move an attack on the right to strike and vowed to continue.")
    assert index.find(index.signature(other)) is None


def test_identical_headlines_are_copies_but_different_ones_are_not():
    index = DuplicateIndex()
    index.add("h1", index.signature("Valmare dock strike enters third day"))
    assert index.find(index.signature("Valmare dock strike enters third day")) == "h1"
    assert index.find(index.signature("Volcano erupts near the island of Sora")) is None


def test_capacity_bounds_memory():
    index = DuplicateIndex(capacity=3)
    for n in range(10):
        index.add(f"a{n}", index.signature(f"text number {n} " * 10))
    assert len(index) == 3


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_is_its_own_copy(text):
    index = DuplicateIndex()
    signature = index.signature(text)
    index.add("x", signature)
    if shingles(text):
        assert index.find(signature) == "x"
