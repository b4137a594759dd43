"""Word boundaries for ``word_boundary: true`` rules.

Chinese has no spaces, so a term such as 老赖 may sit inside an unrelated word.
A Chinese match is kept only where jieba's segmentation of the normalised text
has a token boundary at both ends (terms jieba does not know are added to its
dictionary so they segment as words); a Latin edge needs a non-Latin neighbour
in the original text.
jieba costs about 0.6 ms per message, so it runs only for candidate matches of
such rules, and its dictionary loads on first use.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Callable

from .variants import is_latin

if TYPE_CHECKING:
    import jieba

    from .normalise import NormalisedText


_lock = threading.Lock()
_tokenizer: "jieba.Tokenizer | None" = None
_added: set[str] = set()


def _renew_lock() -> None:
    # A fork copies the lock as it is: held, if another thread held it (the decision
    # log's process is forked from a server with threads).
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_renew_lock)


class Segmenter:
    """Segments with one process-wide jieba tokenizer that knows every pack's terms."""

    def __init__(self, words: list[str]):
        self._words = sorted({w for w in words if not w.isascii()})

    def _ready(self) -> "jieba.Tokenizer":
        global _tokenizer
        with _lock:
            if _tokenizer is None:
                import jieba  # imported on first use: it costs ~0.1 s and most runs never need it

                jieba.setLogLevel(logging.WARNING)
                _tokenizer = jieba.Tokenizer()
                _tokenizer.initialize()
            for word in self._words:
                if word not in _added:
                    # A word jieba knows keeps its frequency, so 狗 still stays inside 热狗;
                    # an unknown one gets the frequency that lets it be cut out whole.
                    if not _tokenizer.FREQ.get(word):
                        _tokenizer.add_word(word)
                    _added.add(word)
            return _tokenizer

    def boundaries(self, text: str) -> set[int]:
        """Offsets in ``text`` where jieba puts a token boundary."""
        cuts = {0, len(text)}
        pos = 0
        for token in self._ready().cut(text, HMM=False):
            pos += len(token)
            cuts.add(pos)
        return cuts


def aligned(nt: "NormalisedText", start: int, end: int, cuts: "Callable[[], set[int]]") -> bool:
    """Whether normalised ``nt.text[start:end]`` starts and ends on a word boundary.

    A Chinese edge is judged by jieba on the normalised text (``cuts`` gives its
    boundaries lazily, only when needed). A Latin edge is a boundary when its
    normalised neighbour is not a Latin letter or digit; when it is, normalisation
    may have removed punctuation between them, so the original text decides: in
    "pay up,ass!" the match ``ass`` stands alone."""
    text = nt.text
    if is_latin(text[start]):
        if start > 0 and is_latin(text[start - 1]):
            o_start = nt.span(start, end)[0]
            if o_start > 0 and is_latin(nt.original[o_start - 1].casefold()[:1] or " "):
                return False
    elif start not in cuts():
        return False
    if is_latin(text[end - 1]):
        if end < len(text) and is_latin(text[end]):
            o_end = nt.span(start, end)[1]
            if o_end < len(nt.original) and is_latin(nt.original[o_end].casefold()[:1] or " "):
                return False
    elif end not in cuts():
        return False
    return True
