"""The name an entity page is titled by: a proper name, in the reader's language when its stories use one.

Extraction files many surface forms under one entity: "Germany", "German", "tedesco", "Deutschland"; or
"Corvana" and "Hafenstadt Corvana" (German: "the port city of Corvana"). A title is a proper name, written
capitalised and not a nationality adjective; a spelling of the entity itself (its key, or the gazetteer's
name for it) beats one that only merged with it; among those, the spellings the reading language's articles
use come first; then a place's own name ("Germany" over "German"), then the most used. When the reader's
language has no article that spells the entity itself, the gazetteer's name in that language titles it
("Germania" for an Italian reader whose articles only say "tedesco": ``gazetteer.local_name``). Every other
spelling stays listed on the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from storyline.briefs.facts import demonym, place_names
from storyline.entities import gazetteer_key, normalise_name
from storyline.gazetteer import local_name

__all__ = ["page_title"]


def _proper(surface: str) -> bool:
    return surface[:1].isupper() and not demonym(surface)


def _itself(surface: str, key: str) -> bool:
    return normalise_name(surface) == key or gazetteer_key(surface) == key


def page_title(key: str, spelled: Mapping[str, Counter], lang: str | None = None) -> str | None:
    """The title among ``spelled`` (language -> surface form -> mentions) for the entity ``key`` read in
    ``lang``; None when no spelling is a proper name (the caller keeps the name the stories give).

    >>> spelled = {"it": Counter({"tedesco": 9}), "en": Counter({"German": 4, "Germany": 1}),
    ...            "de": Counter({"Deutschland": 2, "deutschen": 3})}
    >>> page_title("germany", spelled), page_title("germany", spelled, "de"), page_title("germany", spelled, "it")
    ('Germany', 'Deutschland', 'Germania')
    >>> page_title("corvana", {"de": Counter({"Hafenstadt Corvana": 3}), "en": Counter({"Corvana": 1})}, "de")
    'Corvana'
    """
    read = spelled.get(lang or "", Counter())
    local = local_name(key, lang) if lang else None
    if local is not None and not any(read[s] > 0 and _proper(s) and _itself(s, key) for s in read):
        return local  # the reader's language names the entity, its articles do not: the gazetteer's name
    total: Counter = Counter()
    for counts in spelled.values():
        total.update(counts)
    proper = sorted(s for s in total if total[s] > 0 and _proper(s))
    if not proper:
        return None
    pool = [s for s in proper if _itself(s, key)] or proper
    in_reading = [s for s in pool if read[s] > 0]
    counts = read if in_reading else total
    own = place_names(key)
    return max(in_reading or pool, key=lambda s: (normalise_name(s) in own, counts[s], total[s], s))
