"""Types of the compiled near-duplicate signatures (_minhash.c): those of dedup.py's Python code, bit for bit."""

import numpy as np

def signatures_into(out: np.ndarray, word_lists: list[list[str]], ngram: int, min_words: int, a: np.ndarray,
                    b: np.ndarray) -> None: ...
def use_sha_extensions(flag: bool) -> bool: ...
