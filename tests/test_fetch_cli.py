"""`storyline fetch` and `storyline follow` as real subprocesses against the loopback test server."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from storyline.commands.fetch import fetch_command, follow_command
from webserver import FIXTURES, Route, WebServer, fixture, news_site

FAST = ["--delay", "0", "--timeout", "2", "--retries", "1", "--max-size", "300KB"]


def command(name: str) -> list[str]:
    """`python -m storyline.cli NAME` once the lead has registered it, else the click command itself."""
    from storyline.cli import main

    if name in main.commands:
        return [sys.executable, "-m", "storyline.cli", name]
    return [sys.executable, "-c", f"from storyline.commands.fetch import {name}_command as c; c()"]


def run(name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "STORYLINE_ENCODER": "hashing"}
    return subprocess.run([*command(name), *args], capture_output=True, text=True, env=env, timeout=timeout)


def start(name: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "STORYLINE_ENCODER": "hashing", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*command(name), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def articles(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, lang, published, title, text FROM articles ORDER BY seq").fetchall()


@pytest.fixture
def web():
    with WebServer(news_site()) as server:
        yield server


@pytest.fixture
def feeds_file(web, tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text((FIXTURES / "feeds.txt").read_text().replace("{BASE}", web.base))
    return path


def test_follow_once_ingests_every_feed_and_a_restart_adds_nothing(web, feeds_file, tmp_path) -> None:
    db = tmp_path / "x.db"
    first = run("follow", str(feeds_file), "--once", "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    total = first.stdout.strip().splitlines()[-1]
    assert total.startswith("total: feeds polled 3 (0 unchanged, 1 failed)")
    assert "ingested 6" in total and "stories created" in total
    for reason in ("already_fetched: 2", "bad_feed: 1", "http_404: 1", "http_5xx: 1", "robots_disallowed: 1",
                   "too_large: 1"):
        assert reason in total
    rows = articles(db)
    assert len(rows) == 6
    by_url = {url: (lang, published, title, text) for url, lang, published, title, text in rows}
    ferry = by_url[web.url("/news/ferry-timetable")]
    assert ferry[1].startswith("2024-03-14T12:15")  # the page has no date: the feed's is used
    spanish = by_url[web.url("/es/puerto-valdmar")]
    assert spanish[0] == "es" and "recuperó el jueves por la mañana" in spanish[3]
    german = by_url[web.url("/de/hafen-valdmar")]
    assert german[0] == "de" and "Alle akzeptieren" not in german[3] and "Kommentar absenden" not in german[3]
    assert {lang for lang, *_ in by_url.values()} >= {"en", "fr", "de", "es"}

    pages_before = web.hits("/news/valdmar-port-reopens")
    again = run("follow", str(feeds_file), "--once", "--db", str(db), *FAST)
    assert again.returncode == 0, again.stderr
    assert "ingested 0" in again.stdout and "2 unchanged" in again.stdout  # ETag and Last-Modified: 304s
    assert len(articles(db)) == 6
    assert web.hits("/news/valdmar-port-reopens") == pages_before


def test_fetch_urls_counts_every_outcome(web, tmp_path) -> None:
    db = tmp_path / "x.db"
    urls = [web.url("/news/valdmar-port-reopens?utm_source=newsletter"), web.url("/news/valdmar-port-reopens#comments"),
            web.url("/es/puerto-valdmar"), web.url("/news/gone"), web.url("/rss.xml")]
    result = run("fetch", *urls, "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("ingested 2; skipped 3 (")
    assert "already_fetched: 1" in summary and "http_404: 1" in summary and "not_html: 1" in summary
    assert [url for url, *_ in articles(db)] == [web.url("/news/valdmar-port-reopens"), web.url("/es/puerto-valdmar")]

    again = run("fetch", urls[0], "--db", str(db), *FAST)
    assert again.returncode == 0 and "already_fetched: 1" in again.stdout
    assert web.hits("/news/valdmar-port-reopens") == 1

    gone = run("fetch", urls[3], "--db", str(db), *FAST)  # refused before: asked for by name, it is tried again
    assert gone.returncode == 1 and "http_404: 1" in gone.stdout and web.hits("/news/gone") == 2


def test_fetch_exits_1_when_nothing_could_be_fetched(web, tmp_path) -> None:
    result = run("fetch", web.url("/news/gone"), web.url("/private/briefing"), "--db", str(tmp_path / "x.db"), *FAST)
    assert result.returncode == 1
    assert "nothing could be fetched" in result.stderr and "http_404: 1" in result.stdout


def test_ctrl_c_finishes_the_article_in_hand(tmp_path) -> None:
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>a</title><link>{BASE}/slow-article</link><pubDate>Thu, 14 Mar 2024 09:00:00 GMT</pubDate></item>
      <item><title>b</title><link>{BASE}/fr/port-valdmar</link><pubDate>Thu, 14 Mar 2024 10:00:00 GMT</pubDate></item>
    </channel></rss>"""
    routes = {"/feed.xml": Route(feed, content_type="application/rss+xml"),
              "/slow-article": fixture("harbour-en.html", delay=2.0),
              "/fr/port-valdmar": fixture("harbour-fr.html")}
    with WebServer(routes) as web:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(web.url("/feed.xml") + "\n")
        proc = start("follow", str(feeds), "--every", "1h", "--db", str(tmp_path / "x.db"),
                     "--delay", "0", "--timeout", "10")
        deadline = time.monotonic() + 60
        while web.hits("/slow-article") == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert web.hits("/slow-article") == 1, proc.communicate()[1]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert web.hits("/fr/port-valdmar") == 0
    assert proc.returncode == 0, err
    assert "stopping after the article in hand" in err and "Traceback" not in err
    assert "stopped. total:" in out and "ingested 1" in out
    assert len(articles(tmp_path / "x.db")) == 1


def test_ctrl_c_while_waiting_for_the_next_round(web, feeds_file, tmp_path) -> None:
    proc = start("follow", str(feeds_file), "--every", "1h", "--db", str(tmp_path / "x.db"), "-q", *FAST)
    first_line = proc.stdout.readline()
    assert first_line.startswith("round 1"), proc.stderr.read()
    assert "next poll in 1h" in first_line
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped. total:" in out and "ingested 6" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing-feeds.txt", "--once"], "does not exist"),
        (["{feeds}", "--every", "soon"], "not a duration"),
        (["{feeds}", "--every", "0"], "too short"),
        (["{empty}", "--once"], "lists no feed URLs"),
    ],
)
def test_follow_bad_usage_exits_2_with_a_hint(args, message, tmp_path) -> None:
    (tmp_path / "feeds.txt").write_text("http://127.0.0.1:9/rss.xml\n")
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n")
    args = [a.format(feeds=tmp_path / "feeds.txt", empty=tmp_path / "empty.txt") for a in args]
    result = CliRunner().invoke(follow_command, [*args, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and message in result.output


def test_fetch_needs_urls_and_a_sane_size(tmp_path) -> None:
    assert CliRunner().invoke(fetch_command, ["--db", str(tmp_path / "x.db")]).exit_code == 2
    result = CliRunner().invoke(fetch_command,
                                ["http://127.0.0.1:9/", "--max-size", "huge", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "not a size" in result.output


# -- slow servers and bad redirects (issue 16, items 10 and 11) ------------------------------------

def trickling(**kwargs) -> Route:
    """One byte every 0.5 s, headers first: about 3 minutes for the whole answer."""
    return Route(kwargs.pop("body", "<html><body><p>late</p></body></html>"), trickle=0.5, padding=200, **kwargs)


def test_fetch_ends_a_trickling_host_at_the_timeout_and_fetches_the_others(web, tmp_path) -> None:
    with WebServer({"/trickle": trickling()}) as slow:
        started = time.monotonic()
        result = run("fetch", slow.url("/trickle"), web.url("/news/valdmar-port-reopens"),
                     web.url("/es/puerto-valdmar"),
                     "--db", str(tmp_path / "x.db"), "--delay", "0", "--timeout", "2", "--retries", "1")
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip().splitlines()
    assert lines[-1].startswith("ingested 2; skipped 1 (timeout: 1)")
    assert lines[0].startswith("  ingested") and web.base in lines[0]  # the fast host did not wait for the slow one
    assert any(slow.url("/trickle") in line and "within 2s" in line for line in lines)
    assert elapsed < 60  # two 2 s attempts, a 1 s backoff and start-up; unbounded, the answer alone takes minutes


def test_follow_ends_a_trickling_robots_txt_at_the_timeout_and_reads_the_other_feeds(web, tmp_path) -> None:
    with WebServer({"/robots.txt": trickling(body="User-agent: *\n", content_type="text/plain")}) as slow:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"{slow.url('/rss.xml')}\n{web.url('/atom.xml')}\n")
        started = time.monotonic()
        result = run("follow", str(feeds), "--once", "--db", str(tmp_path / "x.db"), "-q",
                     "--delay", "0", "--timeout", "1", "--retries", "0", "--max-size", "300KB")
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    total = result.stdout.strip().splitlines()[-1]
    assert "feeds polled 2 (0 unchanged, 1 failed)" in total and "ingested 3" in total
    assert "robots_unreachable: 1" in total
    assert elapsed < 60


def test_a_redirect_to_a_file_is_a_counted_bad_redirect(web, tmp_path) -> None:
    web.routes["/to-file"] = Route(redirect="file:///etc/passwd")
    result = run("fetch", web.url("/to-file"), "--db", str(tmp_path / "x.db"), *FAST)
    assert result.returncode == 1 and "nothing could be fetched" in result.stderr
    assert "bad_redirect: 1" in result.stdout.strip().splitlines()[-1]
    assert "redirects to 'file:///etc/passwd'" in result.stdout
    with sqlite3.connect(tmp_path / "x.db") as conn:
        assert conn.execute("SELECT status, reason FROM fetch_urls").fetchall() == [("rejected", "bad_redirect")]


def test_politeness_from_the_environment_is_checked_like_the_flags(tmp_path) -> None:
    from storyline.cli import main

    result = CliRunner().invoke(main, ["fetch", "http://127.0.0.1:9/", "--db", str(tmp_path / "x.db")],
                                env={"STORYLINE_FETCH_MAX_SIZE": "huge", "STORYLINE_ENCODER": "hashing"})
    assert result.exit_code == 2 and "not a size" in result.output and not (tmp_path / "x.db").exists()


def test_fetch_and_follow_brief_the_stories_they_grew_when_asked(web, feeds_file, tmp_path) -> None:
    db = tmp_path / "x.db"
    fetched = run("fetch", web.url("/news/valdmar-port-reopens"), "--db", str(db), "--briefs", "3", *FAST)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip().splitlines()[-1].startswith("briefed 1 story in ")
    followed = run("follow", str(feeds_file), "--once", "--db", str(db), "--briefs", "2", *FAST)
    assert followed.returncode == 0, followed.stderr
    lines = followed.stdout.strip().splitlines()
    briefed = [n for n, line in enumerate(lines) if line.startswith("briefed 2 stories in ")]
    assert briefed and lines[briefed[0] - 1].startswith("round 1") and lines[-1].startswith("total:")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(DISTINCT article_id) FROM sentences").fetchone()[0] >= 2
