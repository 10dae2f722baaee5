"""The core's own words as evidence: a new event of the same people and places uses other words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.clustering import FEATURES, StoryClusterer, StoryItem, StoryParams
from storyline.clustering.eventwords import CoreWords
from storyline.clustering.keys import DocFreq

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
COLUMN = FEATURES.index("missing_core_words")


def _item(article_id: str, lang: str, title: str, text: str, hours: float = 0.0) -> StoryItem:
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8.0)  # one vector for all: only the words differ
    return StoryItem(article_id, vector, lang, T0 + timedelta(hours=hours), title, text, None)


def test_core_words_are_compared_within_one_language_only():
    df, core = DocFreq(), CoreWords()
    core.add("en", ["en:chess", "en:tourna", "en:corvan"])
    core.add("en", ["en:chess", "en:grandm", "en:corvan"])
    assert core.keys("en") == ["en:chess", "en:corvan", "en:grandm", "en:tourna"]
    assert core.missing("es", {"es:huelga": 1.0}, df) == 0.0  # an English core says nothing of Spanish words
    same = core.missing("en", {"en:chess": 1.0, "en:corvan": 1.0}, df)
    other = core.missing("en", {"en:ferry": 1.0, "en:corvan": 1.0}, df)
    assert other > same


def test_an_article_of_the_same_place_about_another_event_lacks_the_core_s_words():
    clusterer = StoryClusterer(StoryParams())
    clusterer.learn_one(_item("chess", "en", "Teenager wins the Corvana open chess tournament",
                              "A teenager from Mirel won the Corvana open chess tournament, beating three "
                              "grandmasters in the final rounds of the nine-day tournament."))
    again = clusterer.evidence(_item("chess2", "en", "Corvana chess tournament won by a teenager",
                                     "The Corvana open chess tournament ended with a teenager beating the "
                                     "grandmasters in the final rounds.", hours=5))
    strike = clusterer.evidence(_item("strike", "en", "Ferry workers strike shuts the Corvana crossing",
                                      "Ferry workers in Corvana walked out, halting every crossing to Mirel; "
                                      "union leader Marta Olsen spoke outside the terminal.", hours=6))
    spanish = clusterer.evidence(_item("es", "es", "Huelga de los trabajadores del ferri en Corvana",
                                       "Los trabajadores del ferri de Corvana iniciaron una huelga.", hours=7))
    headline = clusterer.evidence(_item("head", "en", "Ferry strike in Corvana", "", hours=8))
    assert strike[0][1][COLUMN] > again[0][1][COLUMN] + 0.5  # shared names, but not what happened
    assert spanish[0][1][COLUMN] == 0.0 and headline[0][1][COLUMN] == 0.0  # no words to compare: no evidence
