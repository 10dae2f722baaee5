# Two commands do all the set-up: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench bench-quick clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml setup.py src/storyline/clustering/_native.c src/storyline/clustering/_evidence.c \
		src/storyline/clustering/_keysum.h src/storyline/clustering/_keyscan.c src/storyline/_minhash.c \
		src/storyline/_lsh.c src/storyline/_scan.c | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f examples/demo.db examples/demo.db-wal examples/demo.db-shm
	$(BIN)/storyline ingest examples/demo-corpus.jsonl --db examples/demo.db
	$(BIN)/storyline stories --db examples/demo.db
	$(BIN)/storyline eval stories examples/demo-corpus.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest src tests

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
