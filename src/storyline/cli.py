"""The `storyline` command (being built)."""

import click


@click.group()
def main() -> None:
    """Storyline: multilingual news stories from raw articles."""
