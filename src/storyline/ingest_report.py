"""What one ingest did (``IngestReport``): every input counted in exactly one bucket, and the summary
line the CLI prints from it. Kept apart from the engine that fills it in."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyline.types import Assignment, Rejection

if TYPE_CHECKING:
    from storyline.watches import TouchedStories

# Rejections a report keeps as objects: memory must not grow with every bad line of a huge input. It
# covers one web POST whole (at most 1,000 items).
REJECTION_SAMPLE = 1000


@dataclass
class IngestReport:
    """What one ingest did: every input is counted in exactly one of these buckets."""

    ingested: int = 0
    duplicates: int = 0
    already_stored: int = 0
    rejected: Counter = field(default_factory=Counter)
    stories_created: int = 0
    stories_updated: int = 0
    uncovered_languages: Counter = field(default_factory=Counter)
    unparsed_dates: int = 0  # articles kept whose given `published` no parser read (raw value in extra)
    bad_lang_codes: int = 0  # a given `lang` that is no language code: detected instead, the value kept in extra
    future_dates: int = 0  # articles dated over a day after their ingest: stored, not used as time evidence
    repaired_surrogates: int = 0  # inputs holding lone UTF-16 surrogates, each replaced by U+FFFD
    watch_hits: int = 0  # stories the database's watches caught (storyline.watches)
    watch_error: str = ""  # why the watches could not be matched (the articles are stored all the same)
    # every article's assignment, when the ingest keeps them (``keep_assignments``; the CLI's ingest of a
    # stream of any length keeps counts only); the stories touched, for the watches, when the database has some
    assignments: list[Assignment] = field(default_factory=list)
    keep_assignments: bool = True
    touched: TouchedStories | None = None
    rejections: list[Rejection] = field(default_factory=list)  # the first REJECTION_SAMPLE; all are counted
    # in `rejected` and stored in the database's `rejections` table
    seconds: float = 0.0
    # wall time per stage on the ingest's own timeline; "store" is the time it waited for writes, which
    # run in the background while the next batch is prepared: their own duration is writer_seconds
    stage_seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    # this process's CPU time (immune to other jobs); the background writer's is charged to "store"
    stage_cpu_seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    writer_seconds: float = 0.0

    @property
    def seen(self) -> int:
        return self.ingested + self.already_stored + sum(self.rejected.values())

    def summary(self) -> str:
        rate = self.ingested / self.seconds if self.seconds > 0 else 0.0
        parts = [f"ingested {self.ingested}"]
        if self.duplicates:
            parts[0] += f" ({self.duplicates} near-duplicate{'s' if self.duplicates != 1 else ''})"
        parts.append(f"already stored {self.already_stored}")
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{r}: {n}" for r, n in self.rejected.most_common())
        parts.append(f"rejected {rejected}" + (f" ({reasons})" if reasons else ""))
        parts.append(f"stories created {self.stories_created}, updated {self.stories_updated}")
        line = "; ".join(parts) + f" — {self.seconds:.1f} s, {rate:.1f} articles/s"
        if self.uncovered_languages:
            langs = ", ".join(f"{k}: {v}" for k, v in self.uncovered_languages.most_common())
            line += (f"\nnote: {langs} — outside the encoder's training set: these articles are clustered on weaker "
                     "vectors plus shared names and words, so expect lower accuracy for them")
        if self.unparsed_dates:
            line += (f"\nnote: {self.unparsed_dates} article{'s' if self.unparsed_dates != 1 else ''} had a "
                     "`published` value no date parser could read: kept without a date, the value in "
                     "extra.published_unparsed (use ISO 8601, e.g. 2026-03-14T09:30:00Z, or RFC 2822)")
        if self.bad_lang_codes:
            line += (f"\nnote: {self.bad_lang_codes} article{'s' if self.bad_lang_codes != 1 else ''} gave a "
                     "`lang` that is no ISO 639 code: the language was detected instead (the value kept in "
                     "extra.lang_given)")
        if self.repaired_surrogates:
            line += (f"\nnote: {self.repaired_surrogates} input{'s' if self.repaired_surrogates != 1 else ''} held "
                     "lone UTF-16 surrogates (e.g. \\ud83d, half of an emoji cut in two), which no text can store: "
                     "each was replaced by U+FFFD (�)")
        if self.watch_hits:
            line += (f"\nwatches: {self.watch_hits} stor{'ies' if self.watch_hits != 1 else 'y'} caught "
                     "(storyline watch list)")
        if self.watch_error:
            line += (f"\nwarning: the watches could not be matched to this ingest's stories ({self.watch_error}); "
                     "the articles are stored — `storyline watch list` shows the watches")
        if self.future_dates:
            line += (f"\nnote: {self.future_dates} article{'s' if self.future_dates != 1 else ''} dated more "
                     "than a day after ingest: the dates are stored as given but not used to place them in time")
        return line
