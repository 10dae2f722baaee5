"""Evidence against a join: what the article and the story both state, but differently.

Two shootings in two towns on one day read alike to an encoder; what tells them apart is that each
names its own place and people, and its own victims' ages. A story's *core* (its first members)
fixes those; an article that lacks the core's names, or gives other ages, is about another event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

from storyline.clustering.keys import BODY_CHARS, KeyProfile

# "a 23-year-old man", "John Doe, 23, of Dayton", "aged 23", "un joven de 23 años", "un homme de 23 ans",
# "ein 23-Jähriger", "23 Jahre alt", "di 23 anni", "de 23 anos", "23-jarige", "23-letni", "23 yaşındaki",
# "23-летний": an age is a number tied to a years-old phrase, never a bare number (a duration, a toll).
_AGE = re.compile(
    r"\b(\d{1,3})(?:-| )years?-old\b"
    r"|\baged (\d{1,3})\b"
    r"|\b[A-Z][\w'’-]+, (\d{1,3}),"
    r"|\b(?:de|di) (\d{1,3}) (?:años|anni|anos|ans)\b"
    r"|\b(\d{1,3}) ans\b,"
    r"|\b(\d{1,3})[- ]?(?:[Jj]ährige|[Jj]ahre alt|jarige|latek|latka|letni|letnia|yaşında|летн)",
)

_DIGIT = re.compile(r"\d")
# Text every match of _AGE holds (one of these, or ", " and a digit): a lead with a digit but none of them (most
# headlines with a date or a score) gives no age, without _AGE's six alternatives tried at each of its characters.
_AGE_HINTS = ("year", "aged ", " años", " anni", " anos", " ans", "ährige", "ahre alt", "jarige", "latek", "latka",
              "letni", "yaşında", "летн")
_AGE_COMMA = re.compile(r", \d")


def ages(title: str, text: str) -> frozenset[int]:
    """Ages the article's lead gives (title and the body's opening), as numbers.

    >>> sorted(ages("Man, 23, shot in Dayton", "A 41-year-old woman was also hurt; police said 3 shots."))
    [23, 41]
    >>> sorted(ages("", "Un joven de 19 años murió; otro de 7 años resultó herido."))
    [7, 19]
    >>> sorted(ages("Shooting leaves 3 dead", "The suspect was sentenced to 20 years."))
    []
    """
    lead = f"{title}\n{text[:BODY_CHARS]}"
    if _DIGIT.search(lead) is None:  # every form of an age holds a digit: most headlines are read once, at C speed
        return frozenset()
    for hint in _AGE_HINTS:
        if hint in lead:
            break
    else:
        if _AGE_COMMA.search(lead) is None:
            return frozenset()
    found: set[int] = set()
    for match in _AGE.finditer(lead):
        number = next(group for group in match.groups() if group is not None)
        age = int(number)
        if 0 < age < 120:
            found.add(age)
    return frozenset(found)


def age_conflict(article: frozenset[int], story: Mapping[int, int]) -> float:
    """1 when both give ages and none of the article's is one the story gives, else 0.

    >>> age_conflict(frozenset({23}), {41: 2}), age_conflict(frozenset({23, 5}), {23: 1})
    (1.0, 0.0)
    >>> age_conflict(frozenset(), {41: 1})
    0.0
    """
    if not article or not story:
        return 0.0
    return 0.0 if any(age in story for age in article) else 1.0


def core_keys(profile: KeyProfile) -> tuple[str, ...]:
    """The keys at least half of the core's members carry: the names that say which event it is.

    >>> p = KeyProfile(); p.add({"n:dayto", "n:smith"}); p.add({"n:dayto"})
    >>> core_keys(p)
    ('n:dayto', 'n:smith')
    """
    need = profile.members / 2.0
    return tuple(sorted(key for key, count in profile.counts.items() if count >= need))


@lru_cache(maxsize=1)
def common_names() -> frozenset[str]:
    """Name keys too common to identify an event ("Police", "Saturday", "Chicago"): from the bundled
    encoder's vocabulary, written by scripts/build_common_names.py."""
    text = (resources.files("storyline") / "params" / "common-names.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


@lru_cache(maxsize=1)
def common_keys() -> frozenset[str]:
    """Keys any news text uses, for the clusterer's document frequencies to start from: the common name
    keys ("n:polic") and the common word stems without their language tag ("police")."""
    text = (resources.files("storyline") / "params" / "common-words.txt").read_text(encoding="utf-8")
    return common_names() | frozenset(text.split())


def identity(names: Iterable[str]) -> frozenset[str]:
    """The rare names among name keys: people and places that say which event it is (numbers left out).

    >>> sorted(identity(["n:whitl", "n:polic", "n:satur", "#27"]))
    ['n:whitl']
    """
    common = common_names()
    return frozenset(key for key in names if key.startswith("n:") and key not in common)


def identity_conflict(article: frozenset[str], story: frozenset[str]) -> float:
    """1 when the article and the story's core each name two or more rare names and share none of them.

    >>> identity_conflict(frozenset({"n:tulsa", "n:whitl"}), frozenset({"n:dayto", "n:monro"}))
    1.0
    >>> identity_conflict(frozenset({"n:dayto", "n:keish"}), frozenset({"n:dayto", "n:monro"}))
    0.0
    """
    if len(article) < 2 or len(story) < 2 or not article.isdisjoint(story):
        return 0.0
    return 1.0
