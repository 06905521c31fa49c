"""Word-list rules over text, matched in one pass with Aho-Corasick (``pyahocorasick``).

A ``WordRule`` says which words must all occur, of which at least one must occur, and which
must not occur; with a proximity ``window`` the required words (one of each ``all`` word and
one ``any`` word) must occur within that many characters of each other. ``RuleMatcher`` builds
one automaton over the words of every rule, so matching a text against a thousand rules costs
one scan of the text plus the rules whose words occurred. Words are matched on the normalised
text (``zaixian.core.text.normalize``: full-width to half-width, lower case), so no
segmentation is needed and a word is found wherever its characters occur.

``SentimentLexicon`` scores text from positive and negative word lists with negators that
reverse a word within a few characters before it, degree words, notice markers and the other
lists described in its docstring; the lists ship in ``data/`` (``sentiment_*.txt``).
"""

from __future__ import annotations

import re
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
NOTICE_DAMPING = 0.5  # an official notice's words weigh half: "届时部分区域停电" is no complaint
# A negator does not reach across a clause: "拒不承认，维权太难" does not reverse 维权.
CLAUSE_BREAKS = frozenset(",.;:!?，。；：！？、…\n")

# Kinds of lexicon entries (the automaton's values are (kind, weight)).
_WORD = 0  # scores its weight; a negator before it reverses it
_NEGATOR = 1  # reverses the next word within NEGATION_REACH characters
_NEGATABLE = 2  # scores only when negated, then its weight: 没修好, 不公开, 还没到账
_NEUTRAL = 3  # scores nothing; as the longest match it hides shorter words (非常 hides 非)
_NOTICE = 4  # marks an official notice: the whole score is damped
_PREVENTION = 5  # 防范 / 预防: the next harm word is a topic, not an event (预防火灾)
_QUESTION = 6  # 为什么 / 怎么: a complaint when 还 / 又 / 总 … follows in the clause
_FIXED = 7  # a word that starts with a negator (不给, 没人管): scores its weight, never reversed

# A rhetorical question of complaint: "为什么…还", "怎么…又", "到底…都不", within a clause.
COMPLAINT_QUESTION = re.compile(
    r"[^,.;:!?。；：！？、\n]{0,10}?(还|又|总|老是|一直|都不|都没|就是不)"
)


@dataclass(frozen=True)
class SentimentResult:
    label: str  # "negative", "neutral" or "positive"
    score: float


def _read_words(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _combine(prefixes: Iterable[str], stems: Iterable[str]) -> list[str]:
    stems = list(stems)
    return [prefix + stem for prefix in prefixes for stem in stems]


class SentimentLexicon:
    """Sums word weights (positive +1, negative -1, strong negative -2) over the text; a negator
    just before a word, in the same clause, reverses it. Negative wins ties in the label because
    a missed negative story costs an analyst more than a missed positive one.

    Beyond plain words: *degree* words (太, 很, 越来越 …) joined to *weak* adjectives (差, 慢,
    方便, 周到 …) make words of their own (太差, 很方便) — the bare adjective is too common to
    score; *negatable* words (处理, 到账, 公开 …) score only when negated (没人处理, 迟迟不公开);
    *neutral* words (非常, 不断, 络绎不绝 …) hide the negator characters inside them; *notice*
    markers (通告, 届时 …) halve the score of an official notice; *prevention* words (防范,
    预防 …) cancel the harm word that follows them, and ``<harm>防控`` words are neutral;
    *question* words (为什么, 怎么 …) score -1, once per text, when a complaint particle (还, 又,
    总, 都不 …) follows them in the same clause ("为什么停车费还在涨")."""

    def __init__(
        self,
        *,
        positive: Iterable[str],
        negative: Iterable[str],
        strong_negative: Iterable[str] = (),
        negators: Iterable[str] = (),
        degree: Iterable[str] = (),
        weak_positive: Iterable[str] = (),
        weak_negative: Iterable[str] = (),
        negatable: Iterable[str] = (),
        neutral: Iterable[str] = (),
        notice: Iterable[str] = (),
        prevention: Iterable[str] = (),
        question: Iterable[str] = (),
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, tuple[int, float]] = {}
        degree = clean_words(degree)
        prevention = clean_words(prevention)
        negative = clean_words(negative)
        strong_negative = clean_words(strong_negative)
        for word in clean_words(negatable):
            entries[word] = (_NEGATABLE, -1.0)
        for word in clean_words(notice):
            entries[word] = (_NOTICE, 0.0)
        for word in prevention:
            entries[word] = (_PREVENTION, 0.0)
        for word in clean_words(question):
            entries[word] = (_QUESTION, -1.0)
        for word in clean_words([*positive, *_combine(degree, weak_positive)]):
            entries[word] = (_WORD, 1.0)
        for word in clean_words([*negative, *_combine(degree, weak_negative)]):
            entries[word] = (_WORD, -1.0)
        for word in strong_negative:
            entries[word] = (_WORD, -2.0)
        negators = clean_words(negators)
        for word in negators:
            entries[word] = (_NEGATOR, 0.0)
        # "不交就不给开通": a negator before a word that carries its own is a condition, not
        # a double negation.
        for word, (kind, weight) in list(entries.items()):
            if kind == _WORD and any(word.startswith(n) and word != n for n in negators):
                entries[word] = (_FIXED, weight)
        # Degree words alone, and a harm word followed by a prevention word ("火灾防控"),
        # score nothing; listed neutral words last, so they override every list above.
        for word in clean_words([*degree, *_combine([*strong_negative, *negative], prevention)]):
            entries.setdefault(word, (_NEUTRAL, 0.0))
        for word in clean_words(neutral):
            entries[word] = (_NEUTRAL, 0.0)
        for word, entry in entries.items():
            self._automaton.add_word(word, (len(word), *entry))
        self._automaton.make_automaton()

    def score(self, text: str, *, is_normalised: bool = False) -> SentimentResult:
        text = text if is_normalised else normalize(text)
        total = 0.0
        negator_end = -100
        prevention_end = -100
        last_end = -1
        is_notice = False
        is_question = False
        # Longest match wins where words overlap (不满意 over 满意): the automaton reports
        # matches by end position, so a shorter word inside the previous match is skipped.
        matches = sorted(
            (
                (end - length + 1, end, kind, weight)
                for end, (length, kind, weight) in self._automaton.iter(text)
            ),
            key=lambda m: (m[0], -m[1]),
        )
        for start, end, kind, weight in matches:
            if start <= last_end:
                continue
            last_end = end
            if kind in (_WORD, _NEGATABLE):
                negated = 0 < start - negator_end <= NEGATION_REACH + 1 and not any(
                    c in CLAUSE_BREAKS for c in text[negator_end + 1 : start]
                )
                if kind == _NEGATABLE:
                    if negated:
                        total += weight
                elif weight < 0 and 0 < start - prevention_end <= NEGATION_REACH + 1:
                    continue  # 预防火灾: a harm prevented is no harm reported
                else:
                    total += -weight if negated else weight
            elif kind == _FIXED:
                total += weight
            elif kind == _NEGATOR:
                negator_end = end
            elif kind == _PREVENTION:
                prevention_end = end
            elif kind == _NOTICE:
                is_notice = True
            elif kind == _QUESTION and not is_question and COMPLAINT_QUESTION.match(text, end + 1):
                is_question = True
                total += weight
        if is_notice:
            total *= NOTICE_DAMPING
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
        degree=_read_words("sentiment_degree.txt"),
        weak_positive=_read_words("sentiment_weak_positive.txt"),
        weak_negative=_read_words("sentiment_weak_negative.txt"),
        negatable=_read_words("sentiment_negatable.txt"),
        neutral=_read_words("sentiment_neutral.txt"),
        notice=_read_words("sentiment_notice.txt"),
        prevention=_read_words("sentiment_prevention.txt"),
        question=_read_words("sentiment_question.txt"),
    )
