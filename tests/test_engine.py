"""The engine end to end on a fast encoder: counting, idempotence, duplicates, restart, invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from builders import event_rows
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.settings import Settings
from storyline.types import RawRecord, Rejection


def _engine(path, **kw) -> Engine:
    return Engine(path, encoder=HashingEncoder(), settings=Settings(db=str(path), **kw))


def _records(rows):
    return [RawRecord(origin=f"mem:{n}", **{k: v for k, v in r.items() if k != "story"})
            for n, r in enumerate(rows, 1)]


def test_every_input_is_counted_once(tmp_path):
    rows = event_rows()
    records = [*_records(rows), RawRecord(origin="mem:x", text="two words"),
               Rejection("file.jsonl:9", "malformed_json", "Expecting value")]
    with _engine(tmp_path / "a.db") as engine:
        report = engine.ingest_records(records)
    assert report.ingested == len(rows)
    assert report.rejected == {"too_short": 1, "malformed_json": 1}
    assert report.seen == len(records)
    assert "rejected 2" in report.summary()


def test_a_headline_written_without_spaces_is_not_too_short(tmp_path):
    """Chinese, Japanese and Thai words are not separated by spaces: two characters count as a word,
    before and after cleaning alike (a whitespace count rejected real Chinese headlines)."""
    records = [RawRecord(origin="h:1", id="zh", title="港口工人罢工进入第三天，货轮排队等候", lang="zh"),
               RawRecord(origin="h:2", id="ja", title="港湾ストライキ三日目、貨物船が沖で待機"),
               RawRecord(origin="h:3", id="en", title="Port strike")]
    with _engine(tmp_path / "h.db") as engine:
        report = engine.ingest_records(records)
    assert report.ingested == 2 and report.rejected == {"too_short": 1}


def test_a_date_no_parser_reads_is_kept_and_reported_not_dropped(tmp_path):
    text = "The river ferry service between the two old quarters resumed on Monday after repairs to its pier."
    records = [RawRecord(origin="in.jsonl:1", id="a", text=text, published="yesterday"),
               RawRecord(origin="in.jsonl:2", id="b", text=text + " More boats follow.", published="2026-03-14")]
    with _engine(tmp_path / "d.db") as engine:
        report = engine.ingest_records(records)
        first, second = engine.store.get_article("a"), engine.store.get_article("b")
    assert report.ingested == 2 and report.unparsed_dates == 1
    assert first.published is None and first.extra["published_unparsed"] == "yesterday"
    assert second.published is not None and "published_unparsed" not in second.extra
    assert "1 article had a `published` value no date parser could read" in report.summary()


def _strike_and_orchard(orchard_date: str) -> list[RawRecord]:
    """Two reports of one port strike a day apart (not near-copies) and an unrelated orchard fair between them."""
    return [RawRecord(origin="f:1", id="a", published="2026-03-02T08:00:00Z",
                      text="Dock workers at the port of Valmare stopped all ferries to Isla Verde on Tuesday, "
                           "demanding fair pay and safe shifts, and some 2,000 travellers were stranded overnight "
                           "in the terminal."),
            RawRecord(origin="f:2", id="z", published=orchard_date,
                      text="An orchard festival in the hill town of Castrel drew visitors to taste "
                           "twelve varieties of apple and pear at the weekend market."),
            RawRecord(origin="f:3", id="b", published="2026-03-03T09:00:00Z",
                      text="Ferries to Isla Verde stayed in the port of Valmare for a second day as dock workers "
                           "kept up their strike over pay and shifts; stranded travellers slept in the terminal.")]


def test_one_article_dated_far_ahead_does_not_close_the_open_stories(tmp_path):
    first, future, follow_up = _strike_and_orchard("2099-01-01T00:00:00Z")
    with _engine(tmp_path / "f.db") as engine:
        report = engine.ingest_records([first, future])  # its own batch: no reordering can help
        engine.ingest_records([follow_up])
        story_of = {a: engine.store.story_of(a) for a in "azb"}
        assert engine.store.get_article("z").published.year == 2099  # stored as given
    assert story_of["a"] == story_of["b"] != story_of["z"]
    assert report.future_dates == 1 and "dated more than a day after ingest" in report.summary()


def test_a_batch_in_any_date_order_meets_the_stories_of_its_time(tmp_path):
    with _engine(tmp_path / "o.db") as engine:
        report = engine.ingest_records(_strike_and_orchard("2026-04-10T00:00:00Z"))
        story_of = {a: engine.store.story_of(a) for a in "azb"}
    assert story_of["a"] == story_of["b"] != story_of["z"]
    assert [x.article_id for x in report.assignments] == ["a", "z", "b"]  # reported in input order


def test_reingesting_adds_nothing_and_ids_are_kept(tmp_path):
    path = tmp_path / "a.db"
    with _engine(path) as engine:
        first = engine.ingest_records(_records(event_rows()))
    with _engine(path) as engine:
        second = engine.ingest_records(_records(event_rows()))
        assert engine.store.count_articles() == first.ingested
        assert engine.store.get_article("flood-0").title.startswith("Floods")
    assert second.ingested == 0 and second.already_stored == first.ingested


def test_same_id_with_other_content_is_rejected(tmp_path):
    with _engine(tmp_path / "a.db") as engine:
        engine.ingest_records([RawRecord(origin="m:1", id="x", text="Storm hits the northern coast tonight.")])
        report = engine.ingest_records([RawRecord(origin="m:2", id="x",
                                                  text="Completely different words about taxes.")])
    assert report.rejected == {"duplicate_id": 1}


def test_near_copy_joins_the_story_of_its_original(tmp_path):
    original = event_rows()[0]
    copy = dict(original, id="copy", source="spamblog.example",
                text=original["text"] + " Click here for more.")
    with _engine(tmp_path / "a.db") as engine:
        report = engine.ingest_records(_records([original, copy]))
        assert report.duplicates == 1
        meta = engine.store.article_meta("copy")
        assert meta["duplicate_of"] == original["id"]
        assert meta["story_id"] == engine.store.story_of(original["id"])


def test_a_boilerplate_body_under_another_headline_is_no_copy_of_a_stored_article(tmp_path):
    """A site's newsletter box as the whole body: the bodies match, the headlines say two reports. The original
    is stored by an earlier ingest, so its headline is read from the store (and from the batch in flight)."""
    # the crime desk's box names the gunfire, so the cleaner keeps it as a body (clean: unrelated_body)
    box = ("Get email notifications on gunfire and crime reports daily! Your notification has been saved. Whenever "
           "a reporter posts new content, you'll get an email delivered to your inbox with a link to it.")
    first = {"id": "marion", "title": "Four injured by gunfire outside Marion nightclub", "text": box}
    other = {"id": "vortex", "title": "Police: Vortex gunman in custody after gunfire", "text": box}
    again = {"id": "again", "title": "Four injured by gunfire outside a Marion nightclub", "text": box}
    with _engine(tmp_path / "a.db", batch_size=1) as engine:
        engine.ingest_records(_records([first]))
        report = engine.ingest_records(_records([other, again]))
        assert report.duplicates == 1
        assert engine.store.article_meta("vortex")["duplicate_of"] is None
        assert engine.store.article_meta("again")["duplicate_of"] == "marion"


def test_the_later_published_copy_is_the_duplicate_whatever_the_input_order(tmp_path):
    original = dict(event_rows()[0], published="2026-03-01T08:00:00Z")
    copy = dict(original, id="copy", source="spamblog.example", published="2026-03-02T08:00:00Z",
                text=original["text"] + " Click here for more.")
    with _engine(tmp_path / "a.db") as engine:
        engine.ingest_records(_records([copy, original]))  # the copy comes first in the file
        assert engine.store.article_meta("copy")["duplicate_of"] == original["id"]
        assert engine.store.article_meta(original["id"])["duplicate_of"] is None


def test_restart_restores_active_stories(tmp_path):
    path = tmp_path / "a.db"
    rows = event_rows()
    with _engine(path) as engine:
        engine.ingest_records(_records(rows[:1]))
        story = engine.store.story_of(rows[0]["id"])
    with _engine(path) as engine:
        assert story in engine.clusterer.active_story_ids()
        report = engine.ingest_records(_records(rows[1:]))
        assert all(a.story_id != story or not a.is_new for a in report.assignments)
        # story ids keep growing after a restart: none is reused
        ids = [s.id for s in engine.store.list_stories()]
        assert len(ids) == len(set(ids))


def test_a_near_copy_of_an_article_whose_story_was_just_merged_joins_the_merged_story(tmp_path):
    # found by the property test below: a9 opens s3, a10 merges s3 into s2, a11 (a copy of a9) reopened s3
    texts = [["port"] * 3] * 8 + [["strike", "strike", "flood"], ["flood", "strike", "port", "port", "rain", "rain",
             "port", "strike"], ["strike"] * 3, ["flood", "strike", "port", "port", "rain", "rain", "port"],
             ["port", "port", "flood"]]
    records = [RawRecord(origin=f"m:{n}", id=f"a{n}", title=" ".join(t)) for n, t in enumerate(texts)]
    with _engine(tmp_path / "m.db", batch_size=4) as engine:
        engine.ingest_records(records)
        pairs = engine.store.article_story_pairs()
        listed = {s.id for s in engine.store.list_stories()}
    assert {story for _, story in pairs} == listed


words = st.sampled_from(["port", "strike", "flood", "rain", "vote", "minister", "fire", "bridge", "river", "club",
                         "match", "gold"])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(words, min_size=3, max_size=12), min_size=1, max_size=25))
def test_every_article_is_in_exactly_one_story(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("p") / "p.db"
    records = [RawRecord(origin=f"m:{n}", id=f"a{n}", title=" ".join(t)) for n, t in enumerate(texts)]
    with _engine(path, batch_size=4) as engine:
        report = engine.ingest_records(records)
        pairs = engine.store.article_story_pairs()
        stories = {s.id: s for s in engine.store.list_stories()}
    assert len(pairs) == report.ingested
    assert len({a for a, _ in pairs}) == len(pairs)
    assert {s for _, s in pairs} == set(stories)
    assert sum(s.size for s in stories.values()) == len(pairs)


def test_near_copy_of_an_article_in_a_closed_story_reopens_it(tmp_path):
    original = dict(event_rows()[0], published="2026-03-01T08:00:00Z")
    later = [dict(r, id=f"late-{n}", published="2026-04-20T08:00:00Z") for n, r in enumerate(event_rows()[2:])]
    copy = dict(original, id="copy", source="mirror.example", published="2026-04-21T08:00:00Z",
                text=original["text"] + " Mirrored.")
    with _engine(tmp_path / "a.db") as engine:
        engine.ingest_records(_records([original, *later]))
        story = engine.store.story_of(original["id"])
        assert engine.store.get_story(story).status == "closed"
        report = engine.ingest_records(_records([copy]))
        assert report.rejected == {} and report.ingested == 1
        assert engine.store.story_of("copy") == story
        assert engine.store.get_story(story).status == "active"
        assert report.stories_created == 0


def test_a_database_refuses_vectors_of_another_encoder(tmp_path):
    import pytest

    from storyline.errors import ConfigError

    class OtherEncoder(HashingEncoder):
        name = "e5-small"

    rows = event_rows()
    with _engine(tmp_path / "a.db") as engine:
        engine.ingest_records(_records(rows[:3]))
    with Engine(tmp_path / "a.db", encoder=OtherEncoder(), settings=Settings(db=str(tmp_path / "a.db"))) as engine:
        with pytest.raises(ConfigError) as err:
            engine.ingest_records(_records(rows[3:]))
        assert "hashing" in err.value.message and "--encoder hashing" in err.value.hint
        assert engine.store.count_articles() == 3


def test_auto_encoder_is_the_one_the_database_was_built_with(tmp_path):
    path = tmp_path / "a.db"
    assert Settings(db=str(path)).resolved_encoder() == "use"  # a new database gets the default
    with _engine(path) as engine:
        engine.ingest_records(_records(event_rows()[:2]))
    auto = Settings(db=str(path))
    assert auto.encoder == "auto" and auto.resolved_encoder() == "hashing"
    with Engine(path, settings=auto) as engine:  # no encoder given: it must not load USE for a hashing database
        assert engine.encoder.name == "hashing"
        engine.ingest_records(_records(event_rows()[2:4]))


def test_an_ingest_that_keeps_no_assignments_counts_them_and_holds_none(tmp_path):
    rows = event_rows()
    with _engine(tmp_path / "a.db") as engine:
        report = engine.ingest_records(_records(rows), keep_assignments=False)
        stored = engine.store.count_articles()
    assert report.assignments == [] and report.ingested == stored == len(rows) and report.stories_created > 0


def test_the_cli_ingest_keeps_counts_not_every_assignment(tmp_path, monkeypatch):
    """``storyline ingest`` of a long stream must not hold one Assignment per article (#21: ~276 MB at 1M)."""
    from click.testing import CliRunner

    from builders import write_jsonl
    from storyline.cli import main

    reports = []
    ingest_paths = Engine.ingest_paths

    def spy(self, *args, **kwargs):
        reports.append(ingest_paths(self, *args, **kwargs))
        return reports[-1]

    monkeypatch.setattr(Engine, "ingest_paths", spy)
    source = write_jsonl(tmp_path / "in.jsonl", event_rows())
    result = CliRunner().invoke(main, ["ingest", str(source), "--db", str(tmp_path / "c.db"), "--encoder", "hashing"])
    assert result.exit_code == 0, result.output
    assert reports[0].ingested == len(event_rows()) and reports[0].assignments == []
