"""The online story clusterer, on synthetic vectors built with numpy (no encoder needed)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering import FEATURES, ItemKeys, StoryClusterer, StoryItem, StoryParams, item_keys

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
DIM = 64

# Three invented events, each told in several languages; the names carry across languages.
EVENTS = {
    "quake": [
        ("en", "Magnitude 6.8 earthquake strikes Valparaíso coast"),
        ("es", "Sismo de magnitud 6,8 sacude la costa de Valparaíso"),
        ("pt", "Terremoto de magnitude 6,8 atinge costa de Valparaíso"),
        ("sl", "Potres z magnitudo 6,8 stresel obalo Valparaísa"),
    ],
    "final": [
        ("en", "Kowalczyk wins Rotterdam marathon in course record"),
        ("de", "Kowalczyk gewinnt Rotterdam-Marathon mit Streckenrekord"),
        ("fr", "Kowalczyk remporte le marathon de Rotterdam avec un record"),
    ],
    "strike": [
        ("en", "Dockworkers in Antwerp begin 48-hour strike"),
        ("nl", "Havenarbeiders in Antwerpen starten 48 urenstaking"),
        ("fr", "Les dockers d'Anvers entament une grève de 48 heures"),
    ],
}


def _topic_vectors(seed: int, count: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(count, DIM))
    return topics / np.linalg.norm(topics, axis=1, keepdims=True)


def _item(i: int, topic: np.ndarray, rng, lang="en", title="", hours=0.0, noise=0.35, text="") -> StoryItem:
    v = topic + rng.normal(scale=noise / np.sqrt(DIM), size=DIM)
    v = (v / np.linalg.norm(v)).astype(np.float32)
    return StoryItem(f"a{i}", v, lang, T0 + timedelta(hours=hours), title, text, None)


def _stream(seed: int, n: int, topics: int = 6, hours_apart: float = 1.0) -> list[StoryItem]:
    rng = np.random.default_rng(seed)
    centres = _topic_vectors(seed, topics)
    return [_item(i, centres[rng.integers(topics)], rng, hours=i * hours_apart) for i in range(n)]


def test_multilingual_events_cluster_together():
    rng = np.random.default_rng(7)
    centres = _topic_vectors(7, len(EVENTS))
    items, gold = [], []
    for round_ in range(4):  # interleaved arrival: one headline per event per round
        for k, (name, headlines) in enumerate(EVENTS.items()):
            if round_ < len(headlines):
                lang, title = headlines[round_]
                items.append(_item(len(items), centres[k], rng, lang, title, hours=len(items) * 0.5))
                gold.append(name)
    clusterer = StoryClusterer()
    stories = [clusterer.learn_one(it).story_id for it in items]
    by_gold = {g: {s for s, g2 in zip(stories, gold, strict=True) if g2 == g} for g in EVENTS}
    assert all(len(ids) == 1 for ids in by_gold.values()), by_gold
    assert len(set(stories)) == len(EVENTS)


def test_unrelated_articles_start_new_stories():
    rng = np.random.default_rng(3)
    centres = _topic_vectors(3, 5)
    titles = ["Flood warning in Lagos", "Chess final in Oslo", "Bridge collapse near Porto",
              "Vaccine trial results published", "Satellite launch delayed"]
    clusterer = StoryClusterer()
    out = [clusterer.learn_one(_item(i, centres[i], rng, title=titles[i])) for i in range(5)]
    assert all(a.is_new for a in out)
    assert [a.story_id for a in out] == ["s1", "s2", "s3", "s4", "s5"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), merge=st.sampled_from([1.01, 0.3]))
def test_every_article_in_one_story_and_ids_never_reused(seed, n, merge):
    params = StoryParams(merge_threshold=merge, window_days=0.5, threshold=0.5)
    clusterer = StoryClusterer(params)
    seen_ids: set[str] = set()
    absorbed: set[str] = set()
    owner: dict[str, str] = {}
    for item in _stream(seed, n, hours_apart=0.3):
        a = clusterer.learn_one(item)
        assert a.article_id == item.article_id and item.article_id not in owner
        if a.is_new:
            assert a.story_id not in seen_ids  # a fresh id, never handed out before
            seen_ids.add(a.story_id)
        else:
            assert a.story_id in seen_ids and a.story_id not in absorbed
        owner[item.article_id] = a.story_id
        for old, into in a.merged:  # the assignment names the stories it joined together
            absorbed.add(old)
            owner = {k: (into if v == old else v) for k, v in owner.items()}
        assert not absorbed & set(clusterer.active_story_ids())
    assert len(owner) == n
    assert set(owner.values()) <= seen_ids - absorbed


@pytest.mark.parametrize("merge", [1.01, 0.3])
def test_replay_with_add_to_rebuilds_the_same_state(merge):
    params = StoryParams(merge_threshold=merge, window_days=2.0)
    items = _stream(11, 120, topics=8, hours_apart=0.5)
    first, rest = items[:80], items[80:]
    original = StoryClusterer(params)
    assigned = [original.learn_one(it) for it in first]
    recorded = {a.article_id: a.story_id for a in assigned}
    for old, into in (merge for a in assigned for merge in a.merged):  # what the store does with a merge
        recorded = {k: (into if v == old else v) for k, v in recorded.items()}

    replayed = StoryClusterer(params)
    for it in first:
        replayed.add_to(it, recorded[it.article_id])
    assert sorted(replayed.active_story_ids()) == sorted(original.active_story_ids())
    expected = [original.learn_one(it) for it in rest]
    got = [replayed.learn_one(it) for it in rest]
    assert [(a.story_id, a.is_new) for a in got] == [(a.story_id, a.is_new) for a in expected]


def test_time_window_closes_stories_and_they_are_not_joined():
    rng = np.random.default_rng(5)
    topic = _topic_vectors(5, 1)[0]
    clusterer = StoryClusterer(StoryParams(window_days=2.0))
    a = clusterer.learn_one(_item(0, topic, rng, title="Port strike", hours=0))
    assert clusterer.active_story_ids() == [a.story_id]
    b = clusterer.learn_one(_item(1, topic, rng, title="Port strike", hours=24))
    assert b.story_id == a.story_id and not b.is_new
    c = clusterer.learn_one(_item(2, topic, rng, title="Port strike", hours=24 + 49))
    assert c.is_new and c.story_id != a.story_id
    assert clusterer.active_story_ids() == [c.story_id]


def test_works_without_times_and_bounds_active_stories():
    rng = np.random.default_rng(9)
    centres = _topic_vectors(9, 30)
    clusterer = StoryClusterer(StoryParams(max_active=10))
    for i in range(30):
        item = _item(i, centres[i], rng, title=f"Event {i}")
        clusterer.learn_one(StoryItem(item.article_id, item.vector, "und", None, item.title, "", None))
    assert len(clusterer.active_story_ids()) == 10
    assert clusterer.active_story_ids()[-1] == "s30"


def test_add_to_continues_the_default_counter():
    rng = np.random.default_rng(2)
    centres = _topic_vectors(2, 2)
    clusterer = StoryClusterer()
    clusterer.add_to(_item(0, centres[0], rng), "s41")
    assert clusterer.learn_one(_item(1, centres[1], rng)).story_id == "s42"


def test_custom_story_ids():
    ids = iter(["alpha", "beta"])
    rng = np.random.default_rng(4)
    centres = _topic_vectors(4, 2)
    clusterer = StoryClusterer(new_story_id=lambda: next(ids))
    assert clusterer.learn_one(_item(0, centres[0], rng)).story_id == "alpha"
    assert clusterer.learn_one(_item(1, centres[1], rng)).story_id == "beta"


def test_params_load_from_package_and_file(tmp_path):
    shipped = StoryParams.load()
    assert len(shipped.weights) == len(FEATURES) and 0 < shipped.threshold < 1
    path = tmp_path / "p.json"
    path.write_text('{"threshold": 0.42, "window_days": 1.5, "unknown_key": 3}')
    loaded = StoryParams.load(str(path))
    assert loaded.threshold == 0.42 and loaded.window_days == 1.5
    with pytest.raises(ValueError):
        StoryParams(weights=(1.0,))


def test_sketch_prefilter_finds_the_same_stories_as_the_exact_search():
    """Above `prefilter_above` active stories the shortlist comes from a 64-d sketch first."""
    items = _stream(seed=5, n=600, topics=300, hours_apart=0.1)
    exact = StoryClusterer(StoryParams(prefilter_above=10_000))
    sketched = StoryClusterer(StoryParams(prefilter_above=50))
    a = [exact.learn_one(item).story_id for item in items]
    b = [sketched.learn_one(item).story_id for item in items]
    assert len(exact.active_story_ids()) > 50
    assert sum(x == y for x, y in zip(a, b, strict=True)) / len(a) > 0.95
    active = len(sketched.active_story_ids())
    sketched.candidates(items[0])  # sketches are brought up to date before the pre-filter reads them
    assert np.allclose(sketched._sketches[:active], sketched._centroids[:active] @ sketched._projection, atol=1e-5)


def test_unknown_lang_is_the_share_of_members_the_encoder_cannot_compare():
    """Either side outside the encoder's languages makes a cross-language cosine uninformative."""
    rng = np.random.default_rng(9)
    topic = _topic_vectors(9, 1)[0]
    clusterer = StoryClusterer(StoryParams(encoder_languages=frozenset({"en", "de"})))
    clusterer.add_to(_item(0, topic, rng, "sl", "Plaz na Kaninu"), "x")
    clusterer.add_to(_item(1, topic, rng, "en", "Avalanche on Kanin"), "x")
    column = FEATURES.index("unknown_lang")

    def unknown(lang: str) -> float:
        evidence = dict(clusterer.evidence(_item(2, topic, rng, lang, "Kanin")))
        return float(evidence["x"][column])

    assert unknown("de") == pytest.approx(0.5)  # covered article: only the Slovenian member is out of reach
    assert unknown("sl") == pytest.approx(0.5)  # uncovered article: the English member is, not the Slovenian one
    assert unknown("hr") == pytest.approx(1.0)  # uncovered article in a third language: every member is
    assert unknown("en") == pytest.approx(0.5)


def test_one_blas_thread_nests_and_restores():
    from threadpoolctl import threadpool_info

    from storyline.clustering import blas as clustering

    def blas_threads() -> set[int]:
        return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}

    with clustering.one_blas_thread():
        with clustering.one_blas_thread():
            assert blas_threads() <= {1}
        assert blas_threads() <= {1} and clustering._BLAS_DEPTH == 1
    assert clustering._BLAS_DEPTH == 0


def test_one_blas_thread_sets_the_limit_once_however_deeply_nested(monkeypatch):
    """Entered once per article inside the engine's own entry: only the outermost entry may set the limit."""
    from storyline.clustering import blas

    with blas.one_blas_thread():  # the controller exists from here on
        pass
    assert blas._BLAS is not None
    limits = []
    real_limit = blas._BLAS.limit
    monkeypatch.setattr(blas._BLAS, "limit", lambda **kw: limits.append(kw) or real_limit(**kw))
    with blas.one_blas_thread():
        for _ in range(3):
            with blas.one_blas_thread():
                pass
    assert limits == [{"limits": 1, "user_api": "blas"}] and blas._BLAS_DEPTH == 0


def test_a_late_article_finds_the_story_of_its_own_time():
    """An archive in any order: an article older than the clock by more than the window still meets the
    stories of its time (they stay in memory until `keep_past_window` are held), never newer ones."""
    rng = np.random.default_rng(12)
    port, vote = _topic_vectors(12, 2)
    clusterer = StoryClusterer(StoryParams(window_days=2.0))
    early = clusterer.learn_one(_item(0, port, rng, title="Port strike", hours=0))
    later = clusterer.learn_one(_item(1, vote, rng, title="Election result", hours=24 * 100))
    assert clusterer.active_story_ids() == [later.story_id]  # the early story is past the window of the clock
    late = clusterer.learn_one(_item(2, port, rng, title="Port strike", hours=12))
    assert late.story_id == early.story_id and not late.is_new
    far = clusterer.learn_one(_item(3, port, rng, title="Port strike", hours=24 * 50))
    assert far.is_new  # the same words 50 days on: out of every story's window


def test_past_window_stories_are_closed_once_more_than_keep_past_window_are_held():
    rng = np.random.default_rng(13)
    centres = _topic_vectors(13, 6)
    clusterer = StoryClusterer(StoryParams(window_days=1.0, keep_past_window=3))
    for i in range(6):
        clusterer.learn_one(_item(i, centres[i], rng, title=f"Event {i}", hours=48 * i))
    assert len(clusterer._rows) <= 4 and clusterer.active_story_ids() == ["s6"]


def test_the_oldest_past_window_stories_are_closed_first_and_the_newest_stay_in_reach():
    """Held stories past ``keep_past_window``: the oldest go, the newest past-window ones stay for late articles
    and follow-ups (dropping every past-window story at once left none, whenever the purge had just run)."""
    rng = np.random.default_rng(14)
    centres = _topic_vectors(14, 12)
    clusterer = StoryClusterer(StoryParams(window_days=1.0, keep_past_window=10))
    ids = [clusterer.learn_one(_item(i, centres[i], rng, title=f"Event {i}", hours=48 * i)).story_id
           for i in range(12)]
    assert 9 <= len(clusterer._rows) <= 10 and ids[0] not in clusterer._rows and ids[-1] in clusterer._rows
    late = clusterer.learn_one(_item(12, centres[10], rng, title="Event 10", hours=48 * 10))
    assert late.story_id == ids[10] and not late.is_new  # two days past the window of the clock: still held
    oldest = clusterer.learn_one(_item(13, centres[0], rng, title="Event 0", hours=0))
    assert oldest.is_new  # its story was the first to go


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), keep=st.sampled_from([0, 3, 2_000]),
       merge=st.sampled_from([1.01, 0.3]))
def test_out_of_order_arrivals_join_only_stories_within_their_window(seed, n, keep, merge):
    """Articles in any time order: each is in one story, ids are never reused, and an article joins a
    story only when the story's time span (before it joined) lies within the window of its own time."""
    rng = np.random.default_rng(seed)
    centres = _topic_vectors(seed, 4)
    window = 2.0
    clusterer = StoryClusterer(StoryParams(window_days=window, keep_past_window=keep, merge_threshold=merge))
    span: dict[str, tuple[datetime, datetime]] = {}
    seen_ids: set[str] = set()
    for i in range(n):
        when = float(rng.uniform(0, 24 * 20))
        item = _item(i, centres[rng.integers(4)], rng, title="Port strike", hours=when)
        before = dict(span)
        a = clusterer.learn_one(item)
        for old, into in a.merged:
            span[into] = (min(span[old][0], span[into][0]), max(span[old][1], span[into][1]))
            before[into] = (min(before[old][0], before[into][0]), max(before[old][1], before[into][1]))
            del span[old]
        if a.is_new:
            assert a.story_id not in seen_ids
            seen_ids.add(a.story_id)
            span[a.story_id] = (item.time, item.time)
        else:
            first, last = before[a.story_id]
            reach = timedelta(days=window)
            assert first - reach <= item.time <= last + reach  # after a merge: the union of two such spans
            span[a.story_id] = (min(first, item.time), max(last, item.time))
        assert set(clusterer.active_story_ids()) <= set(span)


def _days(item: StoryItem, days: float, title: str = "", text: str = "") -> StoryItem:
    return StoryItem(item.article_id, item.vector, item.lang, T0 + timedelta(days=days), title or item.title,
                     text or item.text, None)


def test_a_story_keeps_the_time_of_its_event_so_a_daily_chain_cannot_walk_it_along():
    """Near-copies a day apart for two weeks: the story's event time stays with its core, so after the
    window the chain starts a new story however alike the articles are."""
    rng = np.random.default_rng(11)
    topic = _topic_vectors(11, 1)[0]
    clusterer = StoryClusterer(StoryParams(window_days=3.0))
    stories = [clusterer.learn_one(_days(_item(i, topic, rng, noise=0.05), i, "Storm update")).story_id
               for i in range(14)]
    # the event time is the median of the first four members (day 1.5): day 4 is within 3 days of it
    assert len(set(stories[:5])) == 1
    assert stories[5] != stories[0]  # day 5 is beyond the window of the event, whatever the chain says
    assert len(set(stories)) >= 3


def test_a_follow_up_beyond_the_window_joins_only_on_the_story_s_own_rare_names():
    rng = np.random.default_rng(12)
    topic = _topic_vectors(12, 1)[0]
    weights = dict.fromkeys(FEATURES, 0.0) | {"cos_centroid": 6.0, "own_names": 4.0, "log_gap": -1.0}
    params = StoryParams(weights=tuple(weights[f] for f in FEATURES), bias=-6.0, window_days=3.0,
                         followup_days=365.0, followup_names=2)
    clusterer = StoryClusterer(params)
    text = "Marcus Whitlow was shot outside a store on Peoria Avenue, police said."
    first = clusterer.learn_one(_days(_item(0, topic, rng), 0, "Man killed in Tulsa", text))
    for i in range(1, 40):  # other news keeps the stream going, so Whitlow and Peoria stay rare
        other = _topic_vectors(100 + i, 1)[0]
        clusterer.learn_one(_days(_item(i, other, rng), i, f"Council meets on budget {i}", "The council met."))
    trial = _days(_item(50, topic, rng), 90, "Trial opens", "The trial of the man accused of killing Marcus "
                  "Whitlow on Peoria Avenue opened on Monday.")
    lookalike = _days(_item(51, topic, rng), 90, "Man killed", "A man was shot outside a store, police said.")
    assert clusterer.learn_one(lookalike).story_id != first.story_id  # same topic, none of its names
    assert clusterer.learn_one(trial).story_id == first.story_id



def test_a_follow_up_past_the_window_has_evidence_of_its_own():
    """Within the window the time gap is the evidence; a follow-up's gap is capped at the window, and how far
    past the window it lies and how alike it is to the event's core are features of their own: a trial
    months later is the event told again, a new event of the same people is not."""
    rng = np.random.default_rng(13)
    topic = _topic_vectors(13, 1)[0]
    params = StoryParams(window_days=3.0, followup_days=365.0, followup_names=1)
    clusterer = StoryClusterer(params)
    text = "Marcus Whitlow was shot outside a store on Peoria Avenue, police said."
    clusterer.learn_one(_days(_item(0, topic, rng), 0, "Man killed in Tulsa", text))
    column = FEATURES.index("followup_gap")
    near = clusterer.evidence(_days(_item(1, topic, rng), 2, "Tulsa shooting", text))
    late = clusterer.evidence(_days(_item(2, topic, rng), 90, "Trial opens", text))
    assert near[0][1][column] == 0.0
    assert late[0][1][column] == pytest.approx(np.log1p(87.0))
    assert late[0][1][FEATURES.index("log_gap")] == pytest.approx(np.log1p(3.0))
    # a follow-up must be the event told again: its core cosine counts once more, for follow-ups only
    core = FEATURES.index("cos_core")
    assert near[0][1][FEATURES.index("followup_cos")] == 0.0 < near[0][1][core]
    assert late[0][1][FEATURES.index("followup_cos")] == late[0][1][core] > 0.5

_NAMED = [
    ("Gunman kills two in Dayton", "Police in Dayton said Keisha Monroe, 27, was shot on Elm Street."),
    ("Dayton shooting: suspect arrested", "Officers arrested a 31-year-old man after the Dayton shooting."),
    ("Tulsa bank robbery ends in arrest", "Police in Tulsa said Aaron Whitley, 45, robbed a bank downtown."),
    ("Storm floods Tulsa streets", "Heavy rain flooded streets across Tulsa on Saturday, officials said."),
]


def test_keys_computed_when_the_article_is_prepared_give_the_same_stories():
    """An item may carry its keys (the engine computes them with the other per-article work): the
    stories and the evidence are those of keys computed on demand."""
    rng = np.random.default_rng(3)
    centres = _topic_vectors(3, 2)
    items = [_item(i, centres[i % 2], rng, title=_NAMED[i % 4][0], text=_NAMED[i % 4][1], hours=i)
             for i in range(40)]
    plain, prepared = StoryClusterer(), StoryClusterer()
    for item in items:
        keyed = replace(item, keys=item_keys(item.title, item.text, item.lang))
        assert keyed.keys is not None and item.keys is None
        for (sid_a, x_a), (sid_b, x_b) in zip(plain.evidence(item), prepared.evidence(keyed), strict=True):
            assert sid_a == sid_b and np.array_equal(x_a, x_b)
        assert plain.learn_one(item) == prepared.learn_one(keyed)
    # the keys an item carries are the ones weighed (never recomputed from its text)
    blank = replace(items[-1], keys=ItemKeys(frozenset(), frozenset(), frozenset(), frozenset()))
    words, names = FEATURES.index("words"), FEATURES.index("names")
    assert any(x[words] > 0 and x[names] > 0 for _, x in prepared.evidence(items[-1]))
    assert all(x[words] == 0 and x[names] == 0 for _, x in prepared.evidence(blank))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), prefilter=st.sampled_from([10_000, 40]))
def test_candidates_are_the_nearest_stories_whose_event_is_within_the_window(seed, prefilter):
    """Only stories whose event time is within the window are read (exactly, below the pre-filter size):
    the shortlist equals a brute-force search over every held story."""
    params = StoryParams(prefilter_above=prefilter, keep_past_window=10_000, shortlist=5)
    clusterer = StoryClusterer(params)
    items = _stream(seed=seed, n=150, topics=60, hours_apart=3.0)
    reach = params.window_days * 86400
    for item in items:
        found = clusterer.candidates(item)
        stamp = item.time.timestamp()
        held = [(sid, float(clusterer._centroids[s.row] @ item.vector))
                for sid, s in clusterer._stories.items()
                if s.event is None or abs(s.event - stamp) <= reach]
        near = sorted((c for c in held if c[1] >= params.min_cosine), key=lambda c: -c[1])[: params.shortlist]
        if len(held) <= prefilter:  # the same stories in the same order, up to cosines tied in the last bits
            cosine = dict(held)
            assert all(sid in cosine for sid in found[: len(near)])
            assert [cosine[sid] for sid in found[: len(near)]] == pytest.approx([c for _, c in near], abs=1e-6)
        else:  # the sketch may miss a near one, never picks one out of the window
            assert set(found) <= {sid for sid, _ in held} | set(clusterer._owner.values())
        clusterer.learn_one(item)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sketch_prefilter_ranks_only_the_stories_within_the_window(seed):
    """The pre-filter scores every held row at once and keeps the in-window rows' scores: its pool is the
    best-sketched in-window stories, and the shortlist the exactly nearest of that pool."""
    params = StoryParams(prefilter_above=4, keep_past_window=10_000, shortlist=5, threshold=1.0)
    clusterer = StoryClusterer(params)
    reach = params.window_days * 86400
    for item in _stream(seed=seed, n=400, topics=400, hours_apart=0.5):  # ~290 stories within the window
        stamp = item.time.timestamp()
        held = [s for s in clusterer._stories.values() if abs(s.event - stamp) <= reach]
        if len(held) > 64:  # the sketch pool
            sketches = clusterer._centroids[[s.row for s in held]] @ clusterer._projection
            scores = sketches @ (item.vector @ clusterer._projection)
            pool = [held[i] for i in np.argsort(-scores)[:64]]
            cosines = [float(clusterer._centroids[s.row] @ item.vector) for s in pool]
            near = [pool[i].id for i in np.argsort(cosines)[::-1][: params.shortlist]]
            assert [sid for sid, _ in clusterer._nearest(item, stamp)] == near
        clusterer.learn_one(item)
    assert len(clusterer._stories) > len(held) > 64


def test_a_merge_is_named_by_the_assignment_that_made_it_and_the_absorbed_id_resolves():
    rng = np.random.default_rng(3)
    topic = _topic_vectors(3, 1)[0]
    clusterer = StoryClusterer(StoryParams(threshold=0.3, merge_threshold=0.3))
    clusterer.add_to(_item(0, topic, rng, title="Harbour strike in Antwerp"), "s1")
    clusterer.add_to(_item(1, topic, rng, title="Harbour strike in Antwerp"), "s2")
    bridge = clusterer.learn_one(_item(2, topic, rng, title="Harbour strike in Antwerp"))
    assert len(bridge.merged) == 1
    absorbed, into = bridge.merged[0]
    assert {absorbed, into} == {"s1", "s2"} and bridge.story_id == into
    assert clusterer.active_story_ids() == [into]
    assert clusterer.add_to(_item(3, topic, rng), absorbed).story_id == into  # a later batch may name it
    assert clusterer.learn_one(_item(4, topic, rng, title="Harbour strike in Antwerp")).merged == ()


def test_the_clusterer_counts_its_own_ids_past_the_reserved_ones_and_an_emptied_one_goes_on():
    rng = np.random.default_rng(5)
    centres = _topic_vectors(5, 3)
    clusterer = StoryClusterer()
    clusterer.reserve_ids(["s9", "g:gold"])
    assert clusterer.learn_one(_item(0, centres[0], rng)).story_id == "s10"
    emptied = clusterer.emptied()
    assert emptied.active_story_ids() == [] and emptied.params is clusterer.params
    assert emptied.learn_one(_item(1, centres[1], rng)).story_id == "s11"  # no id is issued twice


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=1, max_size=9))
def test_core_median_is_statistics_median(times):
    """The clusterer's own median of a core's times gives statistics.median's float, bit for bit."""
    import statistics

    from storyline.clustering.story import median_of

    assert median_of(list(times)).hex() == float(statistics.median(times)).hex()
