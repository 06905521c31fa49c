"""Wrong forms and forbidden words in a page's visible text, found in one pass of an
Aho-Corasick automaton (pure, no ORM).

Rules have the fields of ``models.WordingRule``; the defaults ship in
``data/wording_rules.csv`` and offices maintain their own (leaders' names above all) in the
admin. An *exempt* phrase is right text that contains a wrong form ("阳城市场" contains
"阳城市"): an occurrence inside one is not a finding. A rule's correct form is always exempt.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import ahocorasick

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "wording_rules.csv"
# The CSV's rows of this kind are exempt phrases, not rules.
EXEMPT_KIND = "exempt"
# Characters shown on each side of an occurrence in the evidence.
CONTEXT_CHARS = 15

FORBIDDEN_KIND = "forbidden"


class WordingRuleLike(Protocol):
    """What the matcher needs of a rule: ``models.WordingRule`` and ``WordingRuleData`` fit."""

    @property
    def kind(self) -> str: ...
    @property
    def wrong(self) -> str: ...
    @property
    def correct(self) -> str: ...
    @property
    def is_serious(self) -> bool: ...


@dataclass(frozen=True)
class WordingRuleData:
    """One wrong form (``models.WordingRule`` without the database)."""

    kind: str  # models.WordingRule.Kind value: leader, institution, division, typo, forbidden
    wrong: str
    correct: str = ""
    is_serious: bool = True
    note: str = ""


@dataclass(frozen=True)
class WordingMatch:
    """The occurrences of one rule in a text."""

    rule: WordingRuleLike
    count: int
    first_start: int
    context: str


def _as_bytes(text: str) -> str:
    """``text`` as its UTF-8 bytes, one character per byte.

    pyahocorasick looks a node's children up one by one; over Chinese text the root has as
    many children as the rules have first characters (hundreds), over UTF-8 bytes a handful,
    which makes matching two to three times faster."""
    return text.encode("utf-8").decode("latin-1")


def _from_bytes(text: str) -> str:
    return text.encode("latin-1").decode("utf-8", errors="ignore")


class WordingMatcher:
    """All the rules in one automaton; ``find(text)`` returns each matched rule once, with
    its number of occurrences and the context of the first, in order of first occurrence."""

    def __init__(self, rules: Iterable[WordingRuleLike], *, exempt: Iterable[str] = ()) -> None:
        self._automaton = ahocorasick.Automaton()
        self.rules: list[WordingRuleLike] = []
        for rule in rules:
            wrong = rule.wrong.strip()
            if not wrong:
                continue
            self.rules.append(rule)
            key = _as_bytes(wrong)
            # The value: (is_exempt, length, rule); a later rule with the same wrong form wins.
            self._automaton.add_word(key, (False, len(key), rule))
        exempt_phrases = set(exempt)
        exempt_phrases.update(
            rule.correct for rule in self.rules if rule.correct and rule.wrong in rule.correct
        )
        for phrase in exempt_phrases:
            key = _as_bytes(phrase)
            if key and key not in self._automaton:
                self._automaton.add_word(key, (True, len(key), None))
        self._is_empty = not self.rules
        if not self._is_empty:
            self._automaton.make_automaton()

    def _occurrences(self, encoded: str) -> list[tuple[int, int, WordingRuleLike]]:
        """(start, end) byte offsets of each occurrence, end exclusive, exempt ones left out."""
        hits: list[tuple[int, int, WordingRuleLike]] = []
        exempt_spans: list[tuple[int, int]] = []
        for last, (is_exempt, length, rule) in self._automaton.iter(encoded):
            start, end = last - length + 1, last + 1
            if is_exempt:
                exempt_spans.append((start, end))
            else:
                hits.append((start, end, rule))
        if not exempt_spans:
            return hits
        return [
            (start, end, rule)
            for start, end, rule in hits
            if not any(s <= start and end <= e for s, e in exempt_spans)
        ]

    def find(self, text: str) -> list[WordingMatch]:
        if self._is_empty or not text:
            return []
        encoded = _as_bytes(text)
        counts: dict[str, int] = {}
        firsts: dict[str, tuple[int, int, WordingRuleLike]] = {}
        for start, end, rule in self._occurrences(encoded):
            counts[rule.wrong] = counts.get(rule.wrong, 0) + 1
            firsts.setdefault(rule.wrong, (start, end, rule))
        matches = []
        window = CONTEXT_CHARS * 4  # UTF-8 takes up to 4 bytes a character
        for wrong, (start, end, rule) in firsts.items():
            before = _from_bytes(encoded[max(0, start - window) : start])[-CONTEXT_CHARS:]
            after = _from_bytes(encoded[end : end + window])[:CONTEXT_CHARS]
            context = " ".join(f"{before}{wrong}{after}".split())
            matches.append(
                WordingMatch(
                    rule=rule,
                    count=counts[wrong],
                    first_start=len(_from_bytes(encoded[:start])),
                    context=context,
                )
            )
        matches.sort(key=lambda match: match.first_start)
        return matches


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.lstrip().startswith("#"))
        yield from csv.DictReader(lines)


def read_wording_csv(path: Path) -> tuple[list[WordingRuleData], list[str]]:
    """The rules and the exempt phrases of a CSV (kind,wrong,correct,is_serious,note; lines
    starting with # are comments)."""
    rules: list[WordingRuleData] = []
    exempt: list[str] = []
    for row in _rows(path):
        kind = row["kind"].strip()
        wrong = row["wrong"].strip()
        if kind == EXEMPT_KIND:
            exempt.append(wrong)
            continue
        rules.append(
            WordingRuleData(
                kind=kind,
                wrong=wrong,
                correct=(row.get("correct") or "").strip(),
                is_serious=(row.get("is_serious") or "").strip().lower() in {"1", "true", "yes"},
                note=(row.get("note") or "").strip(),
            )
        )
    return rules, exempt


@cache
def _default_csv() -> tuple[tuple[WordingRuleData, ...], tuple[str, ...]]:
    rules, exempt = read_wording_csv(DEFAULT_RULES_PATH)
    return tuple(rules), tuple(exempt)


def default_wording_rules() -> list[WordingRuleData]:
    """The shipped rules of ``data/wording_rules.csv`` (the admin's defaults)."""
    return list(_default_csv()[0])


def default_exempt_phrases() -> list[str]:
    """The shipped exempt phrases of ``data/wording_rules.csv``."""
    return list(_default_csv()[1])
