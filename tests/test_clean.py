"""Tests for storyline.clean: invented articles in several languages with noise of every kind."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean import Cleaned, clean, clean_many, is_headline_shaped, line_reason
from storyline.embed import HashingEncoder
from storyline.types import RemovedLine

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
_MARK = re.compile(r"^\[(\w+)\] (.*)$")


def _load(path: Path) -> tuple[dict[str, str], str, list[tuple[str, str]], list[str]]:
    """A fixture: '# key: value' header, then the body; noise lines are marked '[reason] line'."""
    meta: dict[str, str] = {}
    body: list[str] = []
    noise: list[tuple[str, str]] = []
    article: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# "):
            key, _, value = raw[2:].partition(": ")
            meta[key] = value
            continue
        mark = _MARK.match(raw)
        if mark:
            noise.append((mark.group(2), mark.group(1)))
            body.append(mark.group(2))
        else:
            body.append(raw)
            if raw.strip():
                article.append(raw.strip())
    return meta, "\n".join(body), noise, article


FIXTURE_FILES = sorted(FIXTURES.glob("*.txt"))


def test_fixtures_cover_languages_and_reasons():
    langs = {_load(p)[0]["lang"] for p in FIXTURE_FILES}
    reasons = {reason for p in FIXTURE_FILES for _, reason in _load(p)[2]}
    assert {"en", "es", "fr", "de", "pt"} <= langs
    assert {
        "link_teaser", "call_to_action", "comment_form", "photo_credit", "navigation",
        "share_widget", "stray_headline", "boilerplate", "duplicate_line",
    } <= reasons


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("encoder", [None, HashingEncoder()], ids=["rules", "hashing"])
def test_fixture_noise_removed_with_reason_and_article_kept(path, encoder):
    meta, text, noise, article = _load(path)
    out = clean(text, title=meta.get("title", ""), lang=meta["lang"], encoder=encoder)
    removed = [(r.line, r.reason) for r in out.removed]
    assert removed == noise
    assert [line for line in out.text.splitlines() if line] == article


def test_clean_many_matches_clean():
    items = [(t, m.get("title", ""), m["lang"]) for m, t, _, _ in map(_load, FIXTURE_FILES)]
    assert clean_many(items) == [clean(t, title=ti, lang=la) for t, ti, la in items]


def test_paragraph_breaks_kept_and_result_frozen():
    text = "First paragraph line one.\nline two stays with it.\n\n\nREAD MORE: Other story here\n\nLast one."
    out = clean(text)
    assert out.text == "First paragraph line one.\nline two stays with it.\n\nLast one."
    assert out.removed == (RemovedLine("READ MORE: Other story here", "link_teaser"),)
    with pytest.raises(FrozenInstanceError):
        out.text = ""  # type: ignore[misc]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("CZYTAJ TEŻ: Rząd przyjął projekt budżetu na przyszły rok", "link_teaser"),
        ("OKU: Ankara'da yeni metro hattı açıldı", "link_teaser"),
        ("Lees ook: Kabinet wil strengere regels voor huurwoningen", "link_teaser"),
        ("Ver también: Cinco claves de la reforma laboral", "link_teaser"),
        ("Click Here: cheap football shirts online", "call_to_action"),
        ("Follow Ana Ruiz on Twitter: @anaruiz", "call_to_action"),
        ("Soldiers patrol the old market in the capital (AFP)", "photo_credit"),
        ("The minister arrives for the summit in Brussels Getty Images", "photo_credit"),
        ("Photo: Lena Vogt/AP", "photo_credit"),
        ("Bild: Keystone", "photo_credit"),
        ("Home / News / World / Europe", "navigation"),
        ("Tags: floods, Valencia, weather", "navigation"),
        ("Facebook Twitter WhatsApp Email", "share_widget"),
        ("© 2024 Daily Courier Media Group", "photo_credit"),
        ("Tous droits réservés", "boilerplate"),
        ("___", "boilerplate"),
        ("SaveSave", "boilerplate"),
        ("Nome *", "comment_form"),
    ],
)
def test_line_rules_in_many_languages(line, reason):
    assert line_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        '"We will not leave," the minister said.',
        "«Nous resterons ici», a déclaré le maire.",
        "„Wir bleiben“, sagte die Bürgermeisterin.",
        "(CNN) - El presidente dijo que el país necesita más inversión en infraestructuras.",
        "PARIS (AFP) - Le gouvernement a présenté mercredi son projet de budget.",
        "Assad said: \"The Americans should leave.\"",
        "Q: What did the report find?",
        "TRUMP: We are going to win, and we are going to win big.",
        "Reuters reported that the talks had stalled.",
        "The agency, which spoke to Reuters, said it would publish the data on Friday.",
        "Reactions in Parliament",
        "A photographer captured the moment the bridge collapsed.",
    ],
)
def test_article_lines_are_not_furniture(line):
    assert line_reason(line) is None


def test_on_topic_subheading_stays_and_first_line_headline_stays():
    body = (
        "Storm hits coast as thousands lose power\n\n"
        "A powerful storm hit the northern coast on Sunday, cutting power to thousands of homes.\n\n"
        "Power Cuts Across The Coast\n\n"
        "Utility crews said power would be restored to most coastal homes by Monday evening.\n\n"
        "The storm also closed two ferry routes and flooded the harbour road."
    )
    out = clean(body)
    assert out.removed == ()


def test_title_case_stray_headline_needs_body_around_it():
    lonely = "Celebrity Chef To Open Second Restaurant In Harbour District"
    assert clean(f"Short intro.\n\n{lonely}").removed == ()


def test_duplicate_of_title_removed():
    out = clean("Storm hits coast\n\nThe storm hit the coast on Sunday.", title="Storm hits coast")
    assert out.removed == (RemovedLine("Storm hits coast", "duplicate_line"),)


WALL = ("Just One More Thing...\n\nWe have sent you a verification email. Please check your email and click on "
        "the link to activate your profile.")


def test_body_sharing_no_word_with_the_headline_is_not_the_article():
    out = clean(WALL, title="Police: Man shoots four relatives, killing two, then himself")
    assert out.text == ""
    assert {r.reason for r in out.removed} == {"unrelated_body"} and len(out.removed) == 2


def test_body_about_the_headline_stays():
    body = "Police said the shooting left four relatives wounded on Sunday night."
    out = clean(body, title="Police: Man shoots four relatives, killing two, then himself")
    assert out.text == body and out.removed == ()


def test_short_title_may_be_the_site_name_over_a_real_body():
    body = "Medvedev leads Russia to a third Davis Cup title after a two-nil lead over Croatia."
    assert clean(body, title="Latest News & Headlines").text == body  # three stems: not judged
    assert clean(WALL).text == WALL  # no title: nothing to compare with


def test_titles_without_spaces_are_not_judged():
    title = "東京五輪、開会式の演出を発表、組織委員会、来週にも、詳細"  # four "stems" that are runs, not words
    body = "大会の関係者によると、式典の内容は来月に公表される見通しだ。"
    assert clean(body, title=title).text == body


def test_headline_shape():
    assert is_headline_shaped("Israel blames neighbour for strikes on border town")
    assert not is_headline_shaped("The council met on Tuesday.")
    assert not is_headline_shaped('"Quoted words here without end')
    assert not is_headline_shaped("Two words")
    assert not is_headline_shaped("CAPE TOWN (AFP) Nov 02, 2024")
    assert not is_headline_shaped("(CNN) Breaking developments in the capital")


class _FarEncoder:
    """Encodes the body and on-topic lines to one direction and marked lines to an orthogonal one."""

    name = "far"
    dim = 2
    languages = frozenset({"en"})

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):
        import numpy as np

        self.calls.append(len(texts))
        return np.array([[0.0, 1.0] if "Transfer" in t else [1.0, 0.0] for t in texts], dtype=np.float32)


def _article_with(line: str) -> str:
    return (
        "The city council approved the new budget on Monday after a long debate over school funding.\n\n"
        f"{line}\n\n"
        "The budget raises spending on schools by four percent and freezes local taxes for a year.\n\n"
        "Opposition members said the plan relied on optimistic forecasts of property tax revenue."
    )


def test_encoder_marks_far_lines_off_topic_in_one_batched_call():
    enc = _FarEncoder()
    items = [
        (_article_with("Striker completes Transfer to rival club after medical"), "", "en"),
        (_article_with("Council approves school budget after long debate"), "", "en"),
        (_article_with("Striker completes Transfer to rival club after medical"), "", "de"),
        (_article_with("Goalkeeper signs Transfer deal with champions for four years"), "", "en"),
    ]
    out = clean_many(items, encoder=enc)
    assert [r.reason for r in out[0].removed] == ["off_topic"]
    assert out[1].removed == ()  # shares the article's words: never sent to the encoder
    assert out[2].removed == ()  # German is outside this encoder's languages: unsure, kept
    assert [r.reason for r in out[3].removed] == ["off_topic"]
    assert enc.calls == [4]  # body + candidate for the two foreign English lines, in one call


def test_no_encoder_call_without_candidates():
    enc = _FarEncoder()
    clean("Just one sentence of text.", encoder=enc)
    assert enc.calls == []


@pytest.fixture(scope="module")
def use_encoder():
    from storyline.embed import get_encoder

    return get_encoder("use")


@pytest.mark.slow
def test_real_encoder_finds_off_topic_headline(use_encoder):
    text = (
        "Las lluvias torrenciales dejaron al menos tres muertos en el sur de Valencia, "
        "según informó la Generalitat.\n\n"
        "El servicio de emergencias mantiene la alerta roja y pide a la población que no viaje por carretera.\n\n"
        "El Real Madrid ficha a un joven delantero brasileño por cuarenta millones\n\n"
        "Más de 2.000 vecinos fueron evacuados de sus casas durante la noche por la crecida del río Júcar.\n\n"
        "Balance de los daños\n\n"
        "Los agricultores calculan pérdidas de varios millones de euros en los campos de cítricos inundados."
    )
    out = clean(text, lang="es", encoder=use_encoder)
    assert [(r.line[:20], r.reason) for r in out.removed] == [("El Real Madrid ficha", "off_topic")]
    assert "Balance de los daños" in out.text


# --- properties -------------------------------------------------------------------------------

_LINES = st.sampled_from(
    [
        "The council approved the new budget on Monday after a long debate.",
        "Opposition members said the plan relied on optimistic forecasts of revenue.",
        '"We will keep our promise," the mayor said.',
        "READ MORE: Ten things to know about the budget",
        "LEE: Cinco claves del presupuesto municipal",
        "Leave a Reply",
        "Latest News",
        "Share | Tweet | Email",
        "Mayor Says Budget Will Protect Schools And Libraries",
        "Celebrity Chef To Open Second Restaurant In Harbour District",
        "What happens next",
        "Advertisement",
        "Officials inspect the flooded road on Sunday Credit: Jane Doe",
    ]
)
_TEXTS = st.lists(st.one_of(_LINES, st.text(min_size=0, max_size=60), st.just("")), max_size=25).map("\n".join)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_properties_partition_subsequence_idempotent(text):
    out = clean(text)
    assert isinstance(out, Cleaned)
    kept = _lines(out.text)
    removed = [r.line for r in out.removed]
    assert _is_subsequence(kept, _lines(text))
    assert sorted(kept + removed) == sorted(_lines(text))
    again = clean(out.text)
    assert again.text == out.text and again.removed == ()
