"""Write params/place-names.txt: one name key per country or city, whatever the language it is written in.

Usage: python scripts/build_place_names.py

Name keys are language-free only where languages spell a name alike ("Zverev", "2021"); a country or a
city usually has a name of its own in each language ("Germany" / "Alemania" / "Alemanha" / "Deutschland",
"Tokyo" / "Tokio" / "Tóquio" / "Токио"), so two reports of one event in two languages share none of the
places they both name. Measured on OG2021 (pairs of headlines in two languages within 3 days): one event's
pairs share some name key 22 % of the time before, 51 % after; pairs of two events 11 % / 29 %.

The names come from the Unicode CLDR (country and region names, and the time zones' exemplar cities:
the capitals and large cities) in the encoder's languages, through Babel (its pinned copy of the CLDR; a
script-time dependency only, the shipped file is plain text). A single-word name's key (``name_keys``'
five folded letters) maps to one key for the place: the English name's key when it is one word and
in the table, so English articles keep theirs. Multi-word names ("Estados Unidos") are left alone: their
words are keyed one by one, as any name. A key two places share ("Austria" / "Australia": both "austr")
maps nowhere, and a place with a single key needs no line. Scripts without capitals (Arabic, Chinese)
never yield a name key, so their names are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from babel import Locale  # script-time only (installed with trafilatura's courlan; pinned in the test extra)

from storyline.clustering.keys import word_name_key

PARAMS = Path(__file__).resolve().parents[1] / "src" / "storyline" / "params"
LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
_WORD = re.compile(r"\w+")


def key_of(name: str) -> str | None:
    """The name key of a single-word name that ``name_keys`` would find, else None. Names of three letters
    are left out: too many other words read alike ("Fas", Morocco in Turkish)."""
    words = _WORD.findall(name)
    if len(words) != 1 or len(words[0]) < 4 or not words[0][0].isupper():
        return None
    return word_name_key(words[0])


def place_names(language: str) -> list[tuple[str, str]]:
    """(place id, name) of each country and exemplar city in one language: ISO 3166 codes, time zone ids."""
    locale = Locale.parse(language)
    names = [(f"t:{code}", name) for code, name in locale.territories.items() if len(code) == 2 and code.isalpha()]
    names += [(f"z:{zone}", data["city"]) for zone, data in locale.time_zones.items() if "city" in data]
    if language == "en":  # the CLDR gives no English city names: they are the time zone's own
        names += [(f"z:{zone}", zone.rsplit("/", 1)[1].replace("_", " "))
                  for zone in Locale.parse("es").time_zones if "/" in zone]
    return names


def build() -> dict[str, str]:
    """Variant key -> the place's key."""
    keys: defaultdict[str, set[str]] = defaultdict(set)
    english: dict[str, str] = {}
    for language in LANGUAGES:
        for place, name in place_names(language):
            key = key_of(name)
            if key is not None:
                keys[place].add(key)
                if language == "en":
                    english[place] = key
    places_of: defaultdict[str, set[str]] = defaultdict(set)
    for place, variants in keys.items():
        for key in variants:
            places_of[key].add(place)
    table = {}
    for place, variants in sorted(keys.items()):
        unique = {key for key in variants if len(places_of[key]) == 1}
        if len(unique) < 2:
            continue
        canonical = english[place] if english.get(place) in unique else min(unique)
        table.update({key: canonical for key in unique if key != canonical})
    return table


def main() -> None:
    table = build()
    lines = [f"{variant} {canonical}" for variant, canonical in sorted(table.items())]
    (PARAMS / "place-names.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} variant keys to {PARAMS / 'place-names.txt'}")


if __name__ == "__main__":
    main()
