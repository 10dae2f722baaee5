"""`storyline brief STORY`: a story's brief as text, Markdown, JSON (docs/brief-schema.md) or one HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from storyline.commands.core import db_option, open_named_store
from storyline.errors import InputError

__all__ = ["brief_command"]


@click.command("brief")
@click.argument("story_id")
@db_option
@click.option("--lang", default=None, metavar="CODE",
              help="Preferred language (ISO 639-1) for the headline, summary and quotes, e.g. en.")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "md", "json", "html"]),
              help="Output format (default: text).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write to FILE instead of stdout.")
def brief_command(story_id, db, lang, fmt, as_json, output):
    """Brief one story: headline, summary, entities, quotes across sources, single-source claims, timeline."""
    from storyline.briefs import build_brief, render
    from storyline.coverage import story_coverage
    from storyline.coverage.render import with_coverage
    from storyline.storylines.neighbours import place_lines, story_place

    if lang is not None and not (len(lang) in (2, 3) and lang.isalpha()):
        raise InputError(f"--lang {lang!r} is not a language code", hint="give an ISO 639-1 code such as en, es or fr")
    if output:
        _check_writable(output)  # before the work of building the brief
    store = open_named_store(db)
    try:
        story = store.get_story(story_id)
        if story is not None and story.merged_into:
            click.echo(f"note: story {story_id} was merged into {story.merged_into}; showing that story", err=True)
        if story is not None and lang and not story.merged_into and lang.lower() not in story.languages:
            click.echo(f"note: no article of story {story_id} is in {lang.lower()!r} "
                       f"(it has {', '.join(story.languages)}); "
                       "the brief picks from the languages it has", err=True)
        brief = build_brief(store, story_id, lang=lang.lower() if lang else None)
        place = story_place(store, brief.story_id)
        coverage = story_coverage(store, brief.story_id)
    finally:
        store.close()
    text = render(brief, "json" if as_json else fmt)
    text = with_coverage(text, "json" if as_json else fmt, coverage)  # sources, copies, chart, blind spots
    if place is not None and place.events > 1 and not as_json and fmt in ("text", "md"):  # JSON, HTML: as they were
        text = text.rstrip("\n") + "\n\n" + "\n".join(place_lines(place, markdown=fmt == "md")) + "\n"
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}",
                             hint="pass -o with a file in a folder you can write to") from exc
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _check_writable(output: str) -> None:
    """A clear error for an -o path that cannot be written (no such folder, a folder itself)."""
    path = Path(output)
    if path.is_dir():
        raise InputError(f"cannot write {output}: it is a folder", hint="pass -o with a file name, e.g. -o brief.html")
    if not path.parent.is_dir():
        raise InputError(f"cannot write {output}: the folder {path.parent} does not exist",
                         hint=f"create it first (mkdir -p {path.parent}) or pass -o with another path")
