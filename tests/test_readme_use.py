"""Every offline line of the README's "Use" section runs as written on what `make demo` leaves (issue 16).

The demo database is built here with the hashing encoder (seconds, no model); the lines run in a
scratch folder whose ``examples/`` links to the repository's files, exactly as the README spells them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDS_NETWORK_OR_RUNS_FOREVER = ("storyline fetch", "storyline follow", "storyline serve", "echo https://")


def use_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use\n.*?```sh\n(.*?)```", text, re.S).group(1)
    lines = []
    for line in block.splitlines():
        command = line.split("  #", 1)[0].strip()
        if command and not command.startswith("#"):
            lines.append(command)
    return lines


def test_the_use_section_names_only_files_that_exist_after_make_demo():
    made_by_demo = {"examples/demo.db"}
    for line in use_lines():
        for word in line.split():
            if word.startswith("examples/") and "*" not in word and word not in made_by_demo:
                assert (ROOT / word).exists(), f"README names {word}, which does not exist: {line}"


@pytest.mark.slow
def test_every_offline_line_of_the_use_section_runs(tmp_path):
    examples = tmp_path / "examples"
    examples.mkdir()
    for item in (ROOT / "examples").iterdir():
        if not item.name.startswith("demo.db"):
            (examples / item.name).symlink_to(item)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", STORYLINE_ENCODER="hashing")
    env.pop("STORYLINE_DB", None)

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", "set -eo pipefail; " + command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=900)

    demo = run("storyline ingest examples/demo-corpus.jsonl --db examples/demo.db")  # what `make demo` does
    assert demo.returncode == 0, demo.stderr
    exported = {}
    for line in use_lines():
        if line.startswith(". .venv/bin/activate"):
            continue
        if line.startswith("export "):
            name, value = line.split()[1].split("=", 1)
            exported[name] = value
            continue
        if (line.startswith(NEEDS_NETWORK_OR_RUNS_FOREVER)
                or any(f"&& {n}" in line for n in NEEDS_NETWORK_OR_RUNS_FOREVER)):
            continue
        prefix = "".join(f"export {k}={v}; " for k, v in exported.items())
        result = run(prefix + line)
        assert result.returncode == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, line
    assert (tmp_path / "s1.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
