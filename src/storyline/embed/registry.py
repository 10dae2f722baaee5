"""The encoder registry: one frozen entry per encoder, the only place outside the backends that names one.

An entry says how the CLI spells the encoder, which names databases record for its vectors, its
dimension and languages, which calibrated parameter files belong to it (each encoder's cosines
have their own scale), its cosine cut-offs for briefs and cleaning, and the roles it plays.

>>> lookup("use-m3").option, lookup("e5").name, params_of("e5-small")
('use', 'e5-small', 'stories-e5.json')
>>> options()
('use', 'e5', 'hashing')
>>> for_role(PAIRS_WIDE).option, default_entry().option
('e5', 'use')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storyline.embed.base import Encoder, HashingEncoder
from storyline.embed.e5 import E5Encoder
from storyline.embed.use import USE_LANGUAGES, USEEncoder
from storyline.errors import ConfigError

__all__ = [
    "DEFAULT",
    "DEFAULT_THRESHOLDS",
    "ENCODERS",
    "PAIRS",
    "PAIRS_WIDE",
    "BriefThresholds",
    "EncoderEntry",
    "default_entry",
    "find",
    "for_role",
    "lookup",
    "options",
    "params_of",
    "thresholds_for",
]

# Roles an encoder plays: the one a new database is built with; the two the shipped pair model was fitted on.
DEFAULT = "default"
PAIRS = "pairs"
PAIRS_WIDE = "pairs-wide"


@dataclass(frozen=True)
class BriefThresholds:
    """Cosine cut-offs of the brief and the cleaner: calibrated per encoder (benchmarks/THRESHOLDS.md),
    since one encoder's 0.6 is another's 0.85."""

    quote: float  # two quote segments are the same words (briefs quotes)
    join_penalty: float  # a match of two joined quote segments must beat a single one by this margin
    fact: float  # two sentences state the same fact with no further evidence (briefs match)
    supported: float  # from here up, a shared number makes them the same fact
    named: float  # from here up, a shared rare acronym does
    agree: float  # another source carries the sentence: summary support
    claim: float  # below this against every other source, a sentence is single-source
    redundant: float  # a summary sentence this close to a chosen one repeats it
    same_claim: float  # two single-source claims this close say one thing twice
    off_topic: float  # clean: a lone headline-shaped line below this cosine to its body is off topic
    # One fact told in two languages scores lower than in one: the ``claim`` cut-off per language pair
    # (("de-es", 0.52), codes sorted), and for pairs not measured; none: ``claim`` everywhere.
    claim_across: tuple[tuple[str, float], ...] = ()
    claim_across_other: float | None = None

    def claim_between(self, a: str | None, b: str | None) -> float:
        """The single-source cut-off between a sentence in language ``a`` and one in ``b``.

        >>> t = BriefThresholds(0.5, 0.0, 0.6, 0.4, 0.5, 0.6, 0.6, 0.75, 0.9, 0.1, (("de-es", 0.52),), 0.55)
        >>> t.claim_between("es", "de"), t.claim_between("en", "it"), t.claim_between("en", "en")
        (0.52, 0.55, 0.6)
        """
        if not a or not b or a == b or self.claim_across_other is None:
            return self.claim
        pair = "-".join(sorted((a, b)))
        return next((cut for name, cut in self.claim_across if name == pair), self.claim_across_other)


@dataclass(frozen=True)
class EncoderEntry:
    """Everything the rest of the code may know about one encoder."""

    name: str  # the encoder's own name, recorded in databases with each vector
    option: str  # the ``--encoder`` / ``STORYLINE_ENCODER`` value
    aliases: tuple[str, ...]  # other names a database or a user may give it
    dim: int
    languages: frozenset[str] | None  # ISO 639-1 codes it was trained on (None: any)
    story_params: str  # the clusterer's calibrated parameters, in storyline/params
    pair_params: str | None  # the pair model fitted on its cosines (None: none)
    thresholds: BriefThresholds
    roles: frozenset[str]
    factory: Callable[..., Encoder]
    # Query vector against a story's centroid (benchmarks/THRESHOLDS.md, "Search"): from ``search_cosine``
    # a story is listed by meaning (ranked, so a loose cut); from ``watch_cosine`` a watch catches it
    # (each catch is a notice, so a strict one). None: the encoder's vectors carry no meaning across words.
    search_cosine: float | None = None
    watch_cosine: float | None = None
    # What keeps the encoder in the calling process (no helper processes), for short jobs whose helper would
    # take longer to start than its share of the texts (a brief): ``build(**dict(in_process))``
    in_process: tuple[tuple[str, Any], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this entry answers to."""
        return (self.name, self.option, *self.aliases)

    def build(self, **kwargs: Any) -> Encoder:
        """A new encoder of this kind (``threads``, ``max_chars`` … as its backend takes them)."""
        return self.factory(**kwargs)

    def build_in_process(self) -> Encoder:
        """A new encoder of this kind that encodes in the calling process alone."""
        return self.build(**dict(self.in_process))


# Measured on the brief fixture and the seeds, and on the clean corpus: see benchmarks/THRESHOLDS.md.
# Claims across languages: benchmarks/claim_pairs.py (THRESHOLDS.md, "Claims across languages").
_USE_THRESHOLDS = BriefThresholds(quote=0.55, join_penalty=0.04, fact=0.6, supported=0.4, named=0.5, agree=0.6,
                                  claim=0.6, redundant=0.75, same_claim=0.9, off_topic=0.12,
                                  claim_across=(("de-en", 0.53), ("de-es", 0.52), ("de-fr", 0.53), ("en-es", 0.58),
                                                ("en-fr", 0.6), ("es-fr", 0.57)),
                                  claim_across_other=0.55)
# e5's cosines crowd into 0.8 - 0.95: USE's cut-offs mapped to the same share of sentence pairs, then checked.
_E5_THRESHOLDS = BriefThresholds(quote=0.87, join_penalty=0.01, fact=0.88, supported=0.85, named=0.87, agree=0.88,
                                 claim=0.88, redundant=0.91, same_claim=0.96, off_topic=0.80)
# Hashed words know nothing across languages: the USE cut-offs keep its tests' briefs readable.
_HASHING_THRESHOLDS = _USE_THRESHOLDS
# Nor has it USE's cosine scale (unrelated texts in one language share trigrams: cosine 0.5-0.65, under USE
# below 0.2) and no calibration of its own: it keeps a parameter set of its own (USE's fit of session 8), so a
# refit of USE's parameters does not move the stories of the tests that stand it in for a real encoder.

ENCODERS: tuple[EncoderEntry, ...] = (
    EncoderEntry(name=USEEncoder.name, option="use", aliases=(), dim=USEEncoder.dim, languages=USE_LANGUAGES,
                 story_params="stories.json", pair_params="pairs.json", thresholds=_USE_THRESHOLDS,
                 roles=frozenset({DEFAULT, PAIRS}), factory=USEEncoder, search_cosine=0.15, watch_cosine=0.25,
                 in_process=(("workers", 0),)),
    EncoderEntry(name=E5Encoder.name, option="e5", aliases=(), dim=E5Encoder.dim, languages=None,
                 story_params="stories-e5.json", pair_params="pairs-e5.json", thresholds=_E5_THRESHOLDS,
                 roles=frozenset({PAIRS_WIDE}), factory=E5Encoder, search_cosine=0.80, watch_cosine=0.86),
    EncoderEntry(name=HashingEncoder.name, option="hashing", aliases=(), dim=256, languages=None,
                 story_params="stories-hashing.json", pair_params=None, thresholds=_HASHING_THRESHOLDS,
                 roles=frozenset(), factory=HashingEncoder),
)


# The default encoder's cut-offs: what a brief function uses when its caller names no encoder.
DEFAULT_THRESHOLDS = next(e for e in ENCODERS if DEFAULT in e.roles).thresholds


def options() -> tuple[str, ...]:
    """The ``--encoder`` choices, default first."""
    return tuple(e.option for e in ENCODERS)


def find(name: str | None) -> EncoderEntry | None:
    """The entry answering to ``name`` (option, recorded name or alias), None if none does."""
    return next((e for e in ENCODERS if name in e.names), None)


def lookup(name: str) -> EncoderEntry:
    """The entry answering to ``name``; a ConfigError naming the choices if none does."""
    entry = find(name)
    if entry is None:
        raise ConfigError(f"unknown encoder {name!r}", hint=f"use one of: {', '.join(options())}")
    return entry


def for_role(role: str) -> EncoderEntry:
    """The encoder that plays ``role`` (DEFAULT, PAIRS, PAIRS_WIDE)."""
    return next(e for e in ENCODERS if role in e.roles)


def default_entry() -> EncoderEntry:
    """The encoder a new database is built with."""
    return for_role(DEFAULT)


def params_of(encoder_name: str | None) -> str:
    """The clusterer's parameter file for an encoder name (the default encoder's when unknown or None)."""
    return (find(encoder_name) or default_entry()).story_params


def thresholds_for(encoder_name: str | None) -> BriefThresholds:
    """The cosine cut-offs for vectors of ``encoder_name`` (the default encoder's for an encoder not
    in the registry, e.g. one a caller wrote: its scale is unknown)."""
    return (find(encoder_name) or default_entry()).thresholds
