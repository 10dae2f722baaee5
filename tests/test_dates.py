"""One ISO 8601 form for every stored and shown instant, written by one function."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from storyline.dates import from_iso, to_iso

SRC = Path(__file__).resolve().parents[1] / "src" / "storyline"


def test_to_iso_is_utc_with_z_and_from_iso_reads_it_back():
    berlin = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert to_iso(berlin) == "2026-03-02T09:00:00Z"
    assert to_iso(datetime(2026, 3, 2, 9, 0)) == "2026-03-02T09:00:00Z"  # naive is UTC
    assert to_iso(None) is None and from_iso(None) is None and from_iso("") is None
    assert from_iso("2026-03-02T09:00:00Z") == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert from_iso("2026-03-02T09:00:00") == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_no_module_formats_instants_by_hand():
    """Stored times compare as text only when every writer formats them alike: dates.py alone does."""
    by_hand = re.compile(r"isoformat\(\)\.replace\(|\.isoformat\(\)\s*#|tzinfo=UTC\)\.isoformat\(\)")
    found = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
             if path.name != "dates.py" and by_hand.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_to_iso_remembered_per_time_zone_and_bounded(monkeypatch):
    """The memo gives each datetime its own text: one instant in two zones, a naive and an aware one, many."""
    from storyline import dates

    berlin = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    utc = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert berlin == utc
    for _ in range(2):
        assert to_iso(berlin) == to_iso(utc) == to_iso(datetime(2026, 3, 2, 9)) == "2026-03-02T09:00:00Z"
    bound = dates._iso.cache_info().maxsize
    for second in range(bound + 10):
        moment = utc + timedelta(seconds=second, microseconds=5)
        assert to_iso(moment) == to_iso(moment) == f"2026-03-02T09:{second // 60:02d}:{second % 60:02d}.000005Z"
        assert dates._iso.cache_info().currsize <= bound
