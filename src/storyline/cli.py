"""The `storyline` command: one group, one error handler, commands registered from `commands/`."""

from __future__ import annotations

import sys

import click

from storyline import __version__
from storyline.errors import EXIT_CODES_HELP, StorylineError


class _Group(click.Group):
    """The one error handler of every command: a StorylineError becomes its message, its hint and its
    exit code (see ``errors.py``), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            click.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="storyline")
def main() -> None:
    """Storyline: group news articles in any language into stories, with briefs and evidence."""
    import logging

    # trafilatura reports every page it finds empty; our summary already counts those
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


def _register() -> None:
    from storyline.commands import core, fetch, threads
    from storyline.commands.brief import brief_command
    from storyline.commands.compare import compare_command, eval_pairs_command
    from storyline.commands.search import search_command
    from storyline.commands.serve import serve_command
    from storyline.commands.watch import watch_group

    for command in [*core.COMMANDS, brief_command, compare_command, *fetch.COMMANDS, *threads.COMMANDS, serve_command,
                    search_command, watch_group]:
        main.add_command(command)
    core.eval_group.add_command(eval_pairs_command, "pairs")
    core.eval_group.add_command(threads.eval_threads, "threads")


_register()

if __name__ == "__main__":
    main()
