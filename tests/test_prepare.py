"""Preparing a batch: extraction with id checks, cleaning, language and the article's given fields, near-duplicates."""

from datetime import UTC, datetime

from storyline.clean import Cleaned
from storyline.dedup import DuplicateIndex
from storyline.extract import Extracted
from storyline.prepare import (
    Accepted,
    clean_batch,
    content_hash,
    extract_batch,
    find_duplicates,
    identify,
    to_article,
    to_articles,
)
from storyline.types import Article, RawRecord, Rejection

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TEXT = "Heavy rain floods the old town of Valmare on Monday, and the river keeps rising tonight."


def _extracted(text: str = TEXT, unparsed: str | None = None) -> Extracted:
    return Extracted(title="Floods in Valmare", text=text, published=None, source=None, url=None,
                     unparsed_published=unparsed)


def test_identify_tells_a_stored_article_from_a_different_one_with_its_id():
    record, ex = RawRecord(origin="f:1", id="a1", text=TEXT), _extracted()
    digest = content_hash(ex.title, ex.text)
    assert identify(record, ex, {"a1": digest}.get, set()) is None  # this very article: already stored
    taken = identify(record, ex, {"a1": "other"}.get, set())
    assert isinstance(taken, Rejection) and taken.reason == "duplicate_id"
    fresh = identify(record, ex, {}.get, set())
    assert isinstance(fresh, Accepted) and fresh.article_id == "a1" and fresh.content_hash == digest
    unnamed = RawRecord(origin="f:2", text=TEXT)
    made = identify(unnamed, ex, {}.get, set())
    assert isinstance(made, Accepted) and made.article_id == f"a{digest[:16]}"
    assert identify(unnamed, ex, {}.get, {made.article_id}) is None  # the same content earlier in the batch


def test_extract_batch_counts_every_record_once():
    records = [
        Rejection("f:0", "malformed_json"),
        RawRecord(origin="f:1", id="a1", text=TEXT),
        RawRecord(origin="f:2", id="a1", text=TEXT + " Other."),  # the same id for another article
        RawRecord(origin="f:3", text="Cut \ud83d " + TEXT),
        RawRecord(origin="f:4", text="Cut \ud83d " + TEXT),  # the same content again: counted as stored
    ]
    extraction = extract_batch(records, min_words=3, stored_hashes=lambda ids: {})
    assert [a.record.origin for a in extraction.accepted] == ["f:1", "f:3"]
    assert [r.reason for r in extraction.rejections] == ["malformed_json", "duplicate_id"]
    assert extraction.already_stored == 1 and extraction.repaired_surrogates == 2
    assert "\ufffd" in extraction.accepted[1].extracted.text


def test_extract_batch_looks_the_batch_ids_up_at_once():
    digest = content_hash("", TEXT)
    records = [RawRecord(origin=f"f:{n}", id=f"a{n}", text=TEXT) for n in range(3)]
    asked: list[list[str]] = []

    def stored(ids):
        asked.append(list(ids))
        return {"a0": digest, "a1": "another article's hash"}

    extraction = extract_batch(records, min_words=3, stored_hashes=stored)
    assert asked == [["a0", "a1", "a2"]]  # one look-up for the batch
    assert extraction.already_stored == 1  # a0: this very article is stored
    assert [r.reason for r in extraction.rejections] == ["duplicate_id"]  # a1: the id names another article
    assert [a.article_id for a in extraction.accepted] == ["a2"]


def test_clean_batch_rejects_what_cleaning_leaves_too_short():
    short = Accepted(RawRecord(origin="f:1", text="x"), _extracted("READ MORE: Another story"), "a1", "h1")
    long = Accepted(RawRecord(origin="f:2", text="x"), _extracted(), "a2", "h2")
    cleaning = clean_batch([short, long], min_words=12, encoder=None)
    assert [item.article_id for item, _ in cleaning.kept] == ["a2"]
    assert [(r.origin, r.reason) for r in cleaning.rejections] == [("f:1", "too_short")]


def test_to_article_keeps_given_values_no_parser_read_in_a_new_extra():
    record = RawRecord(origin="f:1", id="a1", text=TEXT, lang="klingon", extra={"feed": "x"})
    item = Accepted(record, _extracted(unparsed="last tuesday"), "a1", "h1")
    article, bad_lang = to_article(item, Cleaned(TEXT, ()), NOW)
    assert bad_lang and article.lang == "en"
    assert dict(article.extra) == {"feed": "x", "lang_given": "klingon", "published_unparsed": "last tuesday"}
    assert dict(record.extra) == {"feed": "x"}  # the record's own fields are left as they were
    counted = to_articles([(item, Cleaned(TEXT, ()))], NOW)
    assert (counted.bad_lang_codes, counted.unparsed_dates, counted.future_dates) == (1, 1, 0)


def test_a_copy_published_later_is_the_duplicate_whatever_its_place_in_the_batch():
    later = Article(id="copy", title="Floods in Valmare", text=TEXT, published=datetime(2026, 3, 2, tzinfo=UTC))
    first = Article(id="orig", title="Floods in Valmare", text=TEXT, published=datetime(2026, 3, 1, tzinfo=UTC))
    prepared, order = find_duplicates([later, first], DuplicateIndex())
    assert order == [1, 0]
    assert [(p.article.id, p.duplicate_of) for p in prepared] == [("copy", "orig"), ("orig", None)]


BOILERPLATE = ("Close Get email notifications on our reporters daily! Your notification has been saved. There was a "
               "problem saving your notification. Whenever a reporter posts new content, you'll get an email delivered "
               "to your inbox with a link. Email notifications are only sent once a day, and only if there are new "
               "matching items.")


def test_a_matching_body_under_another_headline_is_boilerplate_not_a_copy():
    day = datetime(2026, 3, 1, tzinfo=UTC)
    first = Article(id="a", title="Four injured by gunfire outside Marion nightclub", text=BOILERPLATE, published=day)
    other = Article(id="b", title="Police: Vortex gunman in custody after standoff", text=BOILERPLATE, published=day)
    again = Article(id="c", title="Four injured by gunfire outside a Marion nightclub", text=BOILERPLATE,
                    published=day)
    prepared, _ = find_duplicates([first, other, again], DuplicateIndex())
    assert [(p.article.id, p.duplicate_of) for p in prepared] == [("a", None), ("b", None), ("c", "a")]


def test_a_stored_originals_lead_is_read_through_lead_of():
    index, day = DuplicateIndex(), datetime(2026, 3, 1, tzinfo=UTC)
    stored = Article(id="old", title="Floods in Valmare", text=BOILERPLATE, published=day)
    find_duplicates([stored], index)
    later = [Article(id="new", title="Shooting at a Dayton bar leaves two hurt", text=BOILERPLATE, published=day)]
    asked: list[str] = []

    def lead_of(article_id: str) -> tuple[str, str] | None:
        asked.append(article_id)
        return {"old": (stored.title, stored.text)}.get(article_id)

    prepared, _ = find_duplicates(later, index, lead_of=lead_of)
    assert asked == ["old"] and prepared[0].duplicate_of is None
    copy = [Article(id="copy", title="Valmare floods", text=BOILERPLATE, published=day)]
    assert find_duplicates(copy, index, lead_of=lead_of)[0][0].duplicate_of == "old"
    unknown = [Article(id="unknown", title="Anything else entirely", text=BOILERPLATE, published=day)]
    assert find_duplicates(unknown, index, lead_of=lambda _: None)[0][0].duplicate_of == "old"  # unknown: no veto


def test_a_retitled_copy_is_a_copy_when_each_headline_stands_in_the_others_lead():
    day = datetime(2026, 3, 1, tzinfo=UTC)
    body = ("Dock workers in Valencia, Spain's busiest container port, began a 72-hour strike on Monday over a plan "
            "to automate a container terminal, their union said, and ships waited offshore. The port authority said "
            "talks would resume on Thursday with the operator, which wants self-driving cranes on two quays by "
            "2028. Exporters of citrus fruit warned that a long stoppage would leave cargo rotting on the docks, "
            "and the regional government asked both sides to return to the table before the weekend.")
    first = Article(id="wire", title="Valencia dockworkers walk out over plan to automate container terminal",
                    text=body, published=day)
    rewrite = Article(id="blog", title="Dockers strike at Valencia port over automation plan",
                      text=body + " Reporting by our staff.", published=day)
    prepared, _ = find_duplicates([first, rewrite], DuplicateIndex())
    assert [p.duplicate_of for p in prepared] == [None, "wire"]
