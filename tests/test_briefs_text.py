"""Sentences that keep quotations whole, and quoted spans in any language's quote marks (briefs/text.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.briefs.text import MAX_ARTICLE_CHARS, clip_article, find_quotes, split_units, whole_sentence
from storyline.types import Article


@pytest.mark.parametrize("text, expected", [
    ('He said: “We will rebuild.”', ["We will rebuild."]),
    ("« Nous partirons demain », a-t-il dit.", ["Nous partirons demain"]),
    ("Er sagte: „Wir bleiben hier.“ Dann ging er.", ["Wir bleiben hier."]),
    ("El ministro dijo: «No habrá recortes».", ["No habrá recortes"]),
    ("彼は「明日行く」と言った。", ["明日行く"]),
    ('"We leave. "They came too late," he said.', ["We leave.", "They came too late"]),
    ("They're sure it's Syria's turn.", []),
])
def test_find_quotes_in_many_scripts(text, expected):
    assert [q.text for q in find_quotes(text)] == expected


def test_units_keep_quotations_whole_and_split_prose():
    text = ('"We stay. We fight. We win," said Mr. Ruiz on Monday. The U.S. embassy closed.\n\n'
            "Roads reopen on Friday.")
    assert [u.text for u in split_units(text)] == [
        '"We stay. We fight. We win," said Mr. Ruiz on Monday.', "The U.S. embassy closed.",
        "Roads reopen on Friday."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Rain fell.", '"We go. Now," he said.', "« Oui. Non. »", "the end",
                                 "U.S. aid came!", "\n\n", "¿Qué pasó?", "x"]), max_size=12))
def test_units_cover_the_text_and_never_cut_a_quotation(pieces):
    text = " ".join(pieces)
    units = split_units(text)
    assert "".join(u.text for u in units).replace(" ", "") == "".join(text.split())
    for unit in units:
        assert unit.text.count("«") == unit.text.count("»")


@pytest.mark.parametrize("text, whole", [
    (", the of the People's Republic of China had lunch today with the of Brazil, , at the palace.", False),
    ("The President of China had lunch today with the President of Brazil at the palace.", True),
    ("had lunch today with the of Brazil.", False),
    ("The talks , which began on Monday, ended.", False),
    ("El presidente chino almorzó con Lula en Brasilia.", True),
    ("« Nous partirons demain », a-t-il dit.", True),
    ("2,000 people left their homes.", True),
    ("中国国家主席周一与巴西总统共进午餐。", True),
])
def test_whole_sentence_refuses_fragments_with_words_cut_out(text, whole):
    assert whole_sentence(text) is whole


def test_a_huge_article_is_clipped_at_a_paragraph_before_its_sentences_are_cut():
    paragraph = "The port strike entered its third day on Monday. " * 20
    article = Article(id="big", title="Strike", text="\n\n".join([paragraph.strip()] * 120))  # ~120,000 chars
    clipped = clip_article(article)
    assert len(article.text) > 100_000 and len(clipped.text) <= MAX_ARTICLE_CHARS
    assert clipped.text.endswith("Monday.") and article.text.startswith(clipped.text)
    assert len(split_units(clipped.text)) < 250
    short = Article(id="s", title="t", text="Short.")
    assert clip_article(short) is short
