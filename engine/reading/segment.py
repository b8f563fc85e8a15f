"""Chinese word segmentation with jieba, its dictionary loaded once per process.

A Chinese keyword found in a wish counts only where it does not straddle two of the words jieba
cuts the sentence into: 成都 is not in 完成/都, 高考 is not in 提高/考试, 老公 is not in 老/公司.
A keyword inside one longer word still counts (生日 in 生日快乐, 周年 in 三周年).
"""

from __future__ import annotations

import bisect
import functools
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.text import CJK

if TYPE_CHECKING:
    import jieba

_lock = threading.Lock()


@dataclass(frozen=True)
class Words:
    """The words of one text, as (start, end) spans in order."""

    spans: tuple[tuple[int, int], ...]

    def _containing(self, index: int) -> tuple[int, int] | None:
        """The word whose characters include text[index]."""
        at = bisect.bisect_right(self.spans, (index, 1 << 30)) - 1
        if at >= 0 and self.spans[at][0] <= index < self.spans[at][1]:
            return self.spans[at]
        return None

    def straddles(self, start: int, end: int) -> bool:
        """Whether text[start:end] begins or ends in the middle of a word that runs past it."""
        first, last = self._containing(start), self._containing(end - 1)
        return bool(
            (first and first[0] < start and first[1] < end)
            or (last and last[1] > end and last[0] > start)
        )

    def aligned(self, start: int, end: int) -> bool:
        """Whether text[start:end] begins where a word begins and ends where a word ends."""
        first, last = self._containing(start), self._containing(end - 1)
        return bool(first and last and first[0] == start and last[1] == end)


def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        return _build_tokenizer()


@functools.cache
def _build_tokenizer() -> jieba.Tokenizer:
    """jieba's tokenizer with the dictionary it ships, built in memory once per process.

    The prefix dictionary is built from the packaged dict.txt (about 1 s of CPU) and is never
    written to or read from jieba's cache file in the shared temporary directory: nothing
    outside the package decides how a wish is cut, and nothing is written at run time.
    """
    import jieba  # here, not at the top: a process that never reads Chinese never loads it

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    tokenizer.initialized = True
    return tokenizer


@functools.lru_cache(maxsize=512)
def words(text: str) -> Words:
    """The words of a text (cut only when it has Chinese characters in it)."""
    if not CJK.search(text):
        return Words(())
    return Words(tuple((start, end) for _, start, end in _tokenizer().tokenize(text)))
