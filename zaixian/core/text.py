"""Chinese text utilities: normalisation and jieba segmentation with the city's own words.

The segmenter is one private ``jieba.Tokenizer`` loaded lazily (the first call pays about a
second; later calls are plain function calls) under a lock, so web threads and workers share it.
jieba keeps its dictionary cache in the system temporary directory, never in the repository.
"""

from __future__ import annotations

import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable

import jieba
from django.conf import settings

# CJK Unified Ideographs, Extension A and the compatibility block: the characters that carry
# meaning one by one, so they are also indexed as single-character tokens.
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(rf"[{CJK_RANGES}]")
# A token is a run of CJK characters or a run of other letters and digits ("ipv6", "12316").
_TOKEN_RE = re.compile(rf"[{CJK_RANGES}]+|[^\W_{CJK_RANGES}]+")
# Control, format, surrogate, private-use and unassigned characters never belong in search.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_WHITESPACE_RE = re.compile(r"\s+")

MIN_INDEXED_WORD_CHARS = 3
"""Shorter words are the character bigrams themselves (see ``index_words``)."""

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def get_tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with the city's user dictionary, initialised once."""
    global _tokenizer  # a process-wide singleton, built on first use
    if _tokenizer is not None:
        return _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = tempfile.gettempdir()
            jieba.setLogLevel(30)  # jieba logs "Building prefix dict" at INFO on every start
            tokenizer.initialize()
            user_dict = getattr(settings, "ZAIXIAN_USER_DICT", None)
            if user_dict:
                tokenizer.load_userdict(str(user_dict))
            _tokenizer = tokenizer
    return _tokenizer


def normalize(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become half-width), lower case,
    control characters removed and whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = "".join(
            " " if ch.isspace() else ch
            for ch in text
            if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES
        )
    return _WHITESPACE_RE.sub(" ", text).strip().lower()


def is_cjk(text: str) -> bool:
    """Whether the text contains at least one CJK ideograph."""
    return _CJK_RE.search(text) is not None


def _clean_tokens(pieces: Iterable[str]) -> list[str]:
    """Split jieba's pieces into CJK and alphanumeric runs, dropping punctuation and spaces,
    so every token survives the FTS5 ``unicode61`` tokenizer and PostgreSQL's parser intact."""
    tokens: list[str] = []
    for piece in pieces:
        tokens.extend(_TOKEN_RE.findall(piece))
    return tokens


def segment(text: str) -> list[str]:
    """Words for indexing: jieba's search-engine mode, which also emits the dictionary words
    inside longer words (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, …)."""
    text = normalize(text)
    if not text:
        return []
    return _clean_tokens(get_tokenizer().cut_for_search(text))


def index_words(text: str) -> list[str]:
    """The words an index stores next to the bigrams: every dictionary word of three or more
    characters that occurs in the text (jieba's full mode), overlaps included (网络舆情快报 →
    网络舆情, 舆情快报).

    Full mode, not the search-engine mode: a dictionary word a person searches for is then one
    index token wherever its characters occur, however precise segmentation would have cut the
    text, so it needs no phrase fallback; full mode also runs about 2.5 times faster. Shorter
    words and runs of letters and digits are left out because ``bigram_tokens`` already holds
    each of their occurrences as the very same token: storing them twice doubled the position
    lists of the commonest words, which every count and ranking reads."""
    text = normalize(text)
    if not text:
        return []
    return [
        token
        for token in _clean_tokens(get_tokenizer().cut(text, cut_all=True))
        if len(token) >= MIN_INDEXED_WORD_CHARS and is_cjk(token)
    ]


def segment_query(text: str) -> list[str]:
    """Words of a query: jieba's precise mode, so a query word is one index token."""
    text = normalize(text)
    if not text:
        return []
    return _clean_tokens(get_tokenizer().cut(text))


def character_tokens(text: str) -> list[str]:
    """Each CJK character on its own, and each run of other letters and digits whole: the
    units a phrase is highlighted by (the index stores bigrams, see ``bigram_tokens``)."""
    tokens: list[str] = []
    for run in _TOKEN_RE.findall(normalize(text)):
        if is_cjk(run):
            tokens.extend(run)
        else:
            tokens.append(run)
    return tokens


def _runs(text: str) -> list[str]:
    return _TOKEN_RE.findall(normalize(text))


def bigram_tokens(text: str) -> list[str]:
    """The character stream the index stores next to the words: each run of CJK characters
    as its overlapping bigrams followed by its last character alone (晋城在线 → 晋城 城在 在线
    线), each run of other letters and digits whole.

    Why bigrams and not single characters: a phrase or a word the text was cut differently
    from matches as a phrase of bigrams, and a bigram's position list is a small fraction of a
    single character's (安 or 全 occur in most documents, 全生 in few), so these fallbacks
    cost about what a word lookup costs. The trailing single character makes every character
    the start of some token, so a one-character query is the prefix query ``煤*``."""
    tokens: list[str] = []
    for run in _runs(text):
        if is_cjk(run):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        else:
            tokens.append(run)
    return tokens


def phrase_tokens(text: str) -> tuple[tuple[str, ...], bool]:
    """The index tokens a phrase must match consecutively in the ``bigram_tokens`` stream,
    and whether the last one is a prefix.

    CJK characters separated only by spaces count as one run (the index drops the spaces).
    A CJK run followed by more of the phrase ends there in the text too, so its trailing
    single character is part of the phrase; a phrase's last run may continue in the text, so
    it has no trailing character, and a last run of one character is a prefix (煤 → 煤*)."""
    runs: list[str] = []
    for run in _runs(text):
        if runs and is_cjk(run) and is_cjk(runs[-1]):
            runs[-1] += run
        else:
            runs.append(run)
    tokens: list[str] = []
    is_prefix = False
    for position, run in enumerate(runs):
        is_last = position == len(runs) - 1
        if not is_cjk(run):
            tokens.append(run)
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if not is_last:
            tokens.append(run[-1])
        elif len(run) == 1:
            tokens.append(run)
            is_prefix = True
    return tuple(tokens), is_prefix


def is_dictionary_word(word: str) -> bool:
    """Whether jieba knows the word, so that indexing emitted it as a token of its own."""
    return get_tokenizer().FREQ.get(word, 0) > 0


def index_text(text: str) -> str:
    """The text an index stores for a field: the dictionary words (``index_words``), then the
    character bigrams (``bigram_tokens``), space-joined."""
    return " ".join([*index_words(text), *bigram_tokens(text)])


def index_texts(texts: Iterable[str]) -> list[str]:
    """``index_text`` for many texts (bulk indexing)."""
    return [index_text(text) for text in texts]
