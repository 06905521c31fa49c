"""Word-list rules over text, matched in one pass with Aho-Corasick (``pyahocorasick``).

A ``WordRule`` says which words must all occur, of which at least one must occur, and which
must not occur; with a proximity ``window`` the required words (one of each ``all`` word and
one ``any`` word) must occur within that many characters of each other. ``RuleMatcher`` builds
one automaton over the words of every rule, so matching a text against a thousand rules costs
one scan of the text plus the rules whose words occurred. Words are matched on the normalised
text (``zaixian.core.text.normalize``: full-width to half-width, lower case), so no
segmentation is needed and a word is found wherever its characters occur.

``SentimentLexicon`` scores text from positive and negative word lists with negators that
reverse a word within a few characters before it; the lists ship in ``data/``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from zaixian.core.text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"


def clean_words(words: Iterable[str]) -> tuple[str, ...]:
    """Normalised, non-empty, distinct words in their first order."""
    seen: dict[str, None] = {}
    for word in words:
        w = normalize(word)
        if w:
            seen.setdefault(w, None)
    return tuple(seen)


def parse_word_list(text: str) -> tuple[str, ...]:
    """Words typed by an analyst, separated by commas (either width), spaces or new lines."""
    for sep in "，,、;；\n\t":
        text = text.replace(sep, " ")
    return clean_words(text.split(" "))


@dataclass(frozen=True)
class WordRule:
    """One topic's rule; ``key`` identifies the topic in match results."""

    key: Hashable
    all_words: tuple[str, ...] = ()
    any_words: tuple[str, ...] = ()
    none_words: tuple[str, ...] = ()
    window: int = 0  # characters; 0 means anywhere in the text

    @property
    def is_empty(self) -> bool:
        return not (self.all_words or self.any_words)


def _within_window(groups: Sequence[Sequence[int]], window: int) -> bool:
    """Whether one position from each group lies within ``window`` characters (smallest
    range covering k sorted lists, by a sweep over the merged positions)."""
    merged = sorted((pos, g) for g, positions in enumerate(groups) for pos in positions)
    counts = [0] * len(groups)
    covered = 0
    left = 0
    for pos, g in merged:
        if counts[g] == 0:
            covered += 1
        counts[g] += 1
        while covered == len(groups):
            if pos - merged[left][0] <= window:
                return True
            lg = merged[left][1]
            counts[lg] -= 1
            if counts[lg] == 0:
                covered -= 1
            left += 1
    return False


class RuleMatcher:
    """Every rule's words in one automaton; ``match`` returns the keys of the rules a text
    satisfies."""

    def __init__(self, rules: Iterable[WordRule]) -> None:
        self.rules = [rule for rule in rules if not rule.is_empty]
        self._automaton = ahocorasick.Automaton()
        words: set[str] = set()
        for rule in self.rules:
            words.update(rule.all_words, rule.any_words, rule.none_words)
        for word in words:
            self._automaton.add_word(word, word)
        self._is_ready = bool(words)
        if self._is_ready:
            self._automaton.make_automaton()

    def positions(self, normalised_text: str) -> dict[str, list[int]]:
        """Start positions of each word found in already-normalised text."""
        found: dict[str, list[int]] = defaultdict(list)
        if self._is_ready:
            for end, word in self._automaton.iter(normalised_text):
                found[word].append(end - len(word) + 1)
        return found

    def match(self, text: str, *, is_normalised: bool = False) -> list[Hashable]:
        found = self.positions(text if is_normalised else normalize(text))
        if not found:
            return []
        return [rule.key for rule in self.rules if rule_matches(rule, found)]


def rule_matches(rule: WordRule, found: dict[str, list[int]]) -> bool:
    """Whether words found at ``found`` satisfy ``rule``."""
    if any(word in found for word in rule.none_words):
        return False
    if not all(word in found for word in rule.all_words):
        return False
    present_any = [word for word in rule.any_words if word in found]
    if rule.any_words and not present_any:
        return False
    if rule.window <= 0:
        return True
    groups: list[list[int]] = [found[word] for word in rule.all_words]
    if present_any:
        groups.append(sorted(pos for word in present_any for pos in found[word]))
    if len(groups) < 2:
        return True
    return _within_window(groups, rule.window)


# Sentiment ---------------------------------------------------------------------------------

NEGATION_REACH = 3  # characters between a negator's end and the word it reverses
NEGATIVE_THRESHOLD = -1.0
POSITIVE_THRESHOLD = 1.0


@dataclass(frozen=True)
class SentimentResult:
    label: str  # "negative", "neutral" or "positive"
    score: float


def _read_words(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class SentimentLexicon:
    """Sums word weights (positive +1, negative -1, strong negative -2) over the text; a negator
    just before a word reverses it. Negative wins ties in the label because a missed negative
    story costs an analyst more than a missed positive one."""

    def __init__(
        self,
        *,
        positive: Iterable[str],
        negative: Iterable[str],
        strong_negative: Iterable[str] = (),
        negators: Iterable[str] = (),
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        weights: dict[str, float] = {}
        for word in clean_words(positive):
            weights[word] = 1.0
        for word in clean_words(negative):
            weights[word] = -1.0
        for word in clean_words(strong_negative):
            weights[word] = -2.0
        for word in clean_words(negators):
            weights[word] = 0.0
        for word, weight in weights.items():
            self._automaton.add_word(word, (word, weight))
        self._automaton.make_automaton()

    def score(self, text: str, *, is_normalised: bool = False) -> SentimentResult:
        text = text if is_normalised else normalize(text)
        total = 0.0
        negator_end = -100
        last_end = -1
        # Longest match wins where words overlap (不满意 over 满意): the automaton reports
        # matches by end position, so a shorter word inside the previous match is skipped.
        matches = sorted(
            (
                (end - len(word) + 1, end, weight)
                for end, (word, weight) in self._automaton.iter(text)
            ),
            key=lambda m: (m[0], -m[1]),
        )
        for start, end, weight in matches:
            if start <= last_end:
                continue
            last_end = end
            if weight == 0.0:
                negator_end = end
                continue
            if 0 < start - negator_end <= NEGATION_REACH + 1:
                weight = -weight
            total += weight
        if total <= NEGATIVE_THRESHOLD:
            label = "negative"
        elif total >= POSITIVE_THRESHOLD:
            label = "positive"
        else:
            label = "neutral"
        return SentimentResult(label, total)


@cache
def default_lexicon() -> SentimentLexicon:
    """The lexicon bundled with the engine (``data/sentiment_*.txt``)."""
    return SentimentLexicon(
        positive=_read_words("sentiment_positive.txt"),
        negative=_read_words("sentiment_negative.txt"),
        strong_negative=_read_words("sentiment_strong_negative.txt"),
        negators=_read_words("sentiment_negators.txt"),
    )
