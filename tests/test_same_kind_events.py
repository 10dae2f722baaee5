"""One story, one event: look-alike events of one day stay apart, reports of one event come together.

Invented local news (tests/fixtures/same_kind_shootings.jsonl): ten shootings in ten cities on one
day, worded as local reports are, and an eleventh told three times (two English outlets, one Spanish).
Run through the engine with the real bundled encoder and the shipped parameters.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import storyline
from storyline.storage import from_iso, open_store

FIXTURE = Path(__file__).parent / "fixtures" / "same_kind_shootings.jsonl"


def _stories_of(rows: list[dict], tmp_path: Path, name: str) -> dict[str, str]:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / f"{name}.db")
    report = storyline.ingest([str(path)], db=db)
    assert report.ingested == len(rows) and not report.rejections
    store = open_store(db)
    try:
        return dict(store.article_story_pairs())
    finally:
        store.close()


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("order", ["file", "reversed"])
def test_ten_shootings_in_ten_cities_on_one_day_are_ten_stories(rows, tmp_path, order):
    rows = rows if order == "file" else rows[::-1]
    _assert_eleven_events(rows, _stories_of(rows, tmp_path, order))


@pytest.mark.parametrize("order", ["file", "reversed"])
@pytest.mark.parametrize("dated", ["none", "every other"])
def test_without_dates_ten_shootings_are_ten_stories_and_three_reports_one(rows, tmp_path, order, dated):
    """No window, no event time (clustering/undated.py): every held story is in reach of an undated article,
    and an undated story of every article; names and words still tell the shootings apart."""
    rows = [{k: v for k, v in r.items() if k != "published" or (dated == "every other" and i % 2 == 0)}
            for i, r in enumerate(rows if order == "file" else rows[::-1])]
    assert sum("published" in r for r in rows) == (0 if dated == "none" else 7)
    _assert_eleven_events(rows, _stories_of(rows, tmp_path, f"{order}-{dated}"))


def _assert_eleven_events(rows: list[dict], story_of: dict[str, str]) -> None:
    gold = {r["id"]: r["story"] for r in rows}
    predicted: dict[str, set[str]] = {}
    for article_id, story_id in story_of.items():
        predicted.setdefault(story_id, set()).add(gold[article_id])
    assert all(len(events) == 1 for events in predicted.values()), predicted  # no story mixes two events
    dayton = {story_of[r["id"]] for r in rows if r["story"] == "dayton"}
    assert len(dayton) == 1  # the three reports, one of them in Spanish, are one story
    assert len(set(story_of.values())) == 11


def test_a_follow_up_weeks_later_joins_only_on_the_event_s_own_names(rows, tmp_path):
    """The arrest two months on names the victim, the place and the detective: it joins its shooting.
    A shooting two months on in the same city, with other people, starts its own story."""
    later = from_iso(rows[0]["published"]) + timedelta(days=60)
    stamp = later.isoformat().replace("+00:00", "Z")
    arrest = {"id": "dayton-arrest", "story": "dayton", "published": stamp,
              "title": "Arrest made in killing of Keisha Monroe on Salem Avenue",
              "text": "DAYTON — Police have arrested a 36-year-old man in the fatal shooting of Keisha Monroe, "
                      "the nurse's aide killed outside her Salem Avenue apartment building in June.\n\nMaj. Paul "
                      "Sanderson said Darnell Fisk was taken into custody Tuesday after a traffic stop. Fisk is "
                      "charged with murder in the death of Monroe, 34, and is held in the Montgomery County Jail."}
    other = {"id": "dayton-other", "story": "dayton-august", "published": stamp,
             "title": "Man wounded in shooting on Dayton's east side",
             "text": "DAYTON — A 58-year-old man was shot in the arm Tuesday evening on Wayne Avenue, Dayton "
                     "police said.\n\nThe victim, Harold Jessup, told officers he was approached by two men "
                     "near a bus stop. He was treated at Grandview Medical Center. No arrests were made."}
    story_of = _stories_of([*rows, arrest, other], tmp_path, "followup")
    assert story_of["dayton-arrest"] == story_of["dayton-1"]
    assert story_of["dayton-other"] not in set(story_of[r["id"]] for r in rows)


def test_another_event_in_the_same_town_days_earlier_stays_its_own_story(tmp_path):
    """The web fixture's chess tournament and ferry strike name the same town and island 2.5 days apart;
    with the real encoder the strike's three reports are one story and the tournament another. (The web
    tests run the hashing stand-in, whose unrelated same-language texts meet at cosine 0.5-0.65.)"""
    from web_coverage_corpus import coverage_corpus

    rows = [{k: v for k, v in row.items() if k in ("id", "lang", "source", "published", "title", "text")}
            for row in coverage_corpus() if row["id"] != "bridge-copy"]
    story_of = _stories_of(rows, tmp_path, "town")
    bridge = {story_of[r["id"]] for r in rows if r["id"].startswith("bridge-")}
    assert len(bridge) == 1 and story_of["chess-en"] not in bridge
    assert len(set(story_of.values())) == 5  # strike, chess, museum, orchard, weather


def test_ten_shootings_behind_one_site_s_sign_in_wall_are_ten_stories(rows, tmp_path):
    """Extraction often gives a site's sign-in wall for its body: the same text under ten headlines of ten
    shootings. Taken for the article, it made them near-copies of one another; with near-copies' headlines
    checked, the clusterer still made them one story (the wall is most of each vector and of its words)."""
    wall = ("Just One More Thing...\n\nWe have sent you a verification email. Please check your email and click "
            "on the link to activate your profile.\n\nIf you do not receive the verification message within a "
            "few minutes of signing up, please check your Spam or Junk folder.")
    one_each = list({r["story"]: r for r in rows if r["story"] != "dayton"}.values())
    walled = [{**r, "text": wall, "source": "Metro Courier"} for r in one_each]
    path = tmp_path / "walled.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in walled), encoding="utf-8")
    report = storyline.ingest([str(path)], db=str(tmp_path / "walled.db"))
    assert report.ingested == len(walled) == 10 and report.duplicates == 0
    store = open_store(str(tmp_path / "walled.db"))
    try:
        assert len(set(dict(store.article_story_pairs()).values())) == 10
    finally:
        store.close()
