"""Pure search logic: turning what a person typed into safe index terms, and highlighted
snippets cut from the original text. No database here; the backends turn ``ParsedQuery`` into
FTS5 or tsquery syntax built only from our own tokens, so user input is never query syntax."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zaixian.core import text as zh_text

MAX_QUERY_CHARS = 100
"""Longer queries are cut here: no real query is longer, and it bounds the work per request."""
MAX_TERMS = 12
SNIPPET_CHARS = 120
SNIPPET_LEAD_CHARS = 30
"""How much text before the first match a snippet shows, for context."""

# Quotes people type for a phrase: ASCII (also what NFKC makes of full-width ＂), Chinese
# curly quotes and corner brackets.
_QUOTE_TRANSLATION = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_PHRASE_RE = re.compile(r'"([^"]*)"')
_OPERATOR_CHARS_RE = re.compile(r"[*()^:+\-~|&{}\[\]<>\\]")
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})
_BETWEEN_IDEOGRAPHS_RE = re.compile(r"[^\u4e00-\u9fff]+")
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_TO_ASCII = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {
    "\u3000": " "
}


@dataclass(frozen=True)
class QueryTerm:
    """One thing every result must contain: a word, a run of letters and digits, a single
    character, or a phrase (quoted, or a word the text may have been cut differently)."""

    tokens: tuple[str, ...]
    """The term's characters (CJK one by one, other runs whole), to highlight it."""
    is_phrase: bool = False
    word: str | None = None
    """A dictionary word that also matches as one index token, where the text's segmentation
    agrees with the query's (the cheap, common case; the phrase covers the rest)."""
    match: tuple[str, ...] = ()
    """The index tokens to match consecutively (``zh_text.phrase_tokens``); empty: ``tokens``."""
    is_prefix: bool = False
    """The last match token is a prefix (a single CJK character: 煤 matches 煤矿 and 原煤)."""
    is_loose: bool = False
    """The match tokens must all occur, not necessarily in a row: an unquoted word the
    dictionary lacks, as its overlapping bigrams (科技创新 → 科技 & 技创 & 创新). Overlapping
    bigrams almost never all occur apart, and checking positions is what makes a phrase slow on
    PostgreSQL (every candidate's vector is read). Quoted phrases stay exact."""

    @property
    def surface(self) -> str:
        """The term as it appears in text, used to highlight it."""
        return "".join(self.tokens)

    @property
    def index_tokens(self) -> tuple[str, ...]:
        return self.match or self.tokens


def _phrase_term(text: str, *, word: str | None = None) -> QueryTerm | None:
    """A term matched as the index tokens of ``text`` in a row (see ``phrase_tokens``)."""
    units = tuple(zh_text.character_tokens(text))
    match, is_prefix = zh_text.phrase_tokens(text)
    if not match:
        return None
    return QueryTerm(units, is_phrase=len(units) > 1, word=word, match=match, is_prefix=is_prefix)


@dataclass
class ParsedQuery:
    text: str
    """The query as searched for (truncated and cleaned), to show back to the person."""
    terms: list[QueryTerm] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.terms


def _clean_raw(raw: str, notices: list[str]) -> str:
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
        notices.append(
            _("Your search was too long and has been shortened to its first %(limit)d characters.")
            % {"limit": MAX_QUERY_CHARS}
        )
    if "\ufffd" in raw:
        # What Django makes of malformed percent-encoding such as %E4%B8.
        raw = raw.replace("\ufffd", " ")
        notices.append(_("Part of your search could not be read (bad encoding) and was ignored."))
    if any(unicodedata.category(ch) == "Cc" and not ch.isspace() for ch in raw):
        notices.append(_("Invisible control characters in your search were removed."))
    return raw


def _terms_for_words(chunk: str) -> list[QueryTerm]:
    """Terms for unquoted text: every word must match. A run of letters and digits is one
    index token. A Chinese word the dictionary knows is its own index token: the index holds
    every dictionary word occurring in the text (``zh_text.index_words``), so it matches
    wherever its characters occur, however the text would be cut (网络舆情 in 网络舆情快报).
    One character is the prefix query 煤* over the character bigrams (every character starts a
    bigram or stands alone); a word the dictionary lacks is its bigrams in a row.

    A token lookup costs a sixth of the phrase of bigrams on a 200,000-document index, which
    is why dictionary words are not also matched as phrases."""
    terms: list[QueryTerm] = []
    for word in zh_text.segment_query(chunk):
        if not zh_text.is_cjk(word) or (len(word) > 1 and zh_text.is_dictionary_word(word)):
            terms.append(QueryTerm(tuple(zh_text.character_tokens(word)), match=(word,)))
            continue
        term = _phrase_term(word)
        if term is not None:
            terms.append(replace(term, is_loose=len(term.index_tokens) > 1))
    return terms


def parse_query(raw: str) -> ParsedQuery:
    """Parse a search box entry. Never raises: whatever cannot be searched for is dropped
    with a notice that says so."""
    notices: list[str] = []
    raw = _clean_raw(raw, notices)
    normalized = zh_text.normalize(raw).translate(_QUOTE_TRANSLATION)
    terms: list[QueryTerm] = []

    for phrase in _PHRASE_RE.findall(normalized):
        term = _phrase_term(phrase)
        if term is not None:
            terms.append(term)
    rest = _PHRASE_RE.sub(" ", normalized)
    if '"' in rest:
        notices.append(_("A quotation mark without its partner was ignored."))
        rest = rest.replace('"', " ")

    # FTS operator words are upper case; "or" in lower case is an ordinary word.
    operator_words = set(unicodedata.normalize("NFKC", raw).split()) & _OPERATOR_WORDS
    has_operators = bool(_OPERATOR_CHARS_RE.search(rest)) or bool(operator_words)
    words = [word for word in rest.split() if word.upper() not in operator_words]
    if has_operators:
        notices.append(
            _(
                "Search operators such as OR, NEAR, *, - and brackets are not supported; "
                "they were ignored and every word must match."
            )
        )
    for word in words:
        terms.extend(_terms_for_words(word))

    unique_terms = list(dict.fromkeys(terms))
    if len(unique_terms) > MAX_TERMS:
        unique_terms = unique_terms[:MAX_TERMS]
        notices.append(
            _("Only the first %(count)d words of your search were used.") % {"count": MAX_TERMS}
        )
    shown = " ".join(normalized.split())
    if not unique_terms:
        if shown:
            notices.append(
                _("Your search has nothing we can look for. Please use words or numbers.")
            )
        else:
            notices.append(_("Please enter what you are looking for."))
    return ParsedQuery(text=shown, terms=unique_terms, notices=notices)


def fts5_expression(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every term quoted (tokens never contain quotes), joined by
    AND, so nothing the person typed is ever FTS syntax."""
    parts = []
    for term in query.terms:
        if term.is_loose:
            parts.append("(" + " AND ".join(f'"{token}"' for token in term.index_tokens) + ")")
            continue
        phrase = '"' + " ".join(term.index_tokens) + '"' + (" *" if term.is_prefix else "")
        parts.append(f'("{term.word}" OR {phrase})' if term.word else phrase)
    return " AND ".join(parts)


def is_position_free(query: ParsedQuery) -> bool:
    """Whether matching needs no token positions: every term is one token (a prefix too) or
    loose (its tokens anywhere). Then SQLite can match in its position-free count table."""
    return all(term.is_loose or len(term.index_tokens) == 1 for term in query.terms)


def conjunction_tokens(query: ParsedQuery) -> tuple[str, ...] | None:
    """The index tokens a document must all contain to match, when that is all matching
    asks (every term one token, not a prefix, or loose); None when a term needs positions or
    a prefix. Then the matches are exactly the intersection of the tokens' document sets."""
    tokens: list[str] = []
    for term in query.terms:
        if term.is_prefix or not (term.is_loose or len(term.index_tokens) == 1):
            return None
        tokens.extend(term.index_tokens)
    return tuple(dict.fromkeys(tokens)) or None


def tsquery_expression(query: ParsedQuery) -> str:
    """A ``to_tsquery`` expression: quoted lexemes, phrases with ``<->``, joined by ``&``."""
    parts = []
    for term in query.terms:
        lexemes = [f"'{token}'" for token in term.index_tokens]
        if term.is_prefix:
            lexemes[-1] += ":*"
        if term.is_loose:
            parts.append("(" + " & ".join(lexemes) + ")")
            continue
        phrase = lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
        parts.append(f"('{term.word}' | {phrase})" if term.word else phrase)
    return " & ".join(parts)


def _highlight_pattern(terms: list[QueryTerm]) -> re.Pattern[str] | None:
    """One regex over normalised text for every term; longer alternatives first so that
    a phrase wins over its own characters. Tokens may be separated by spaces in the text."""
    alternatives = {r"\s*".join(re.escape(token) for token in term.tokens) for term in terms}
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(ordered))


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, normalising only the text between CJK unified
    ideographs. Those have no decomposition and compose with nothing, so they stay as they are
    and cut the text into pieces that normalise independently; normalising a Chinese body whole
    (full-width punctuation makes it necessary) cost about half a microsecond a character, most
    of a results page's highlighting."""
    # Full-width ASCII forms (，！？ ０-９ Ａ-Ｚ) and the ideographic space are nearly all a
    # Chinese text has to normalise; each becomes one character, as in NFKC's own mapping.
    for full_width in set(_FULL_WIDTH_RE.findall(text)):
        text = text.replace(full_width, _FULL_WIDTH_TO_ASCII[full_width])
    if unicodedata.is_normalized("NFKC", text):
        return text
    return _BETWEEN_IDEOGRAPHS_RE.sub(_nfkc_match, text)


def _nfkc_match(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def _normalized_for_matching(text: str) -> str:
    """Text in the same form as index tokens, position for position with the original.

    NFKC and lower-casing almost always keep the length (full-width → half-width is one to
    one); when they don't, the characters are normalised one by one and kept only where
    they stay one character, so positions still line up."""
    # Titles and much other text are NFKC already, and the quick check says so in a fraction
    # of the time normalising takes (the biggest cost of highlighting).
    text_nfkc = text if unicodedata.is_normalized("NFKC", text) else nfkc(text)
    folded = text_nfkc.lower()
    if len(folded) == len(text):
        return folded
    chars = []
    for ch in text:
        one = unicodedata.normalize("NFKC", ch).lower()
        chars.append(one if len(one) == 1 else ch)
    return "".join(chars)


def _mark(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append("<mark>" + escape(text[start:end]) + "</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def highlight(text: str, terms: list[QueryTerm]) -> SafeString:
    """The whole text, HTML-escaped, with every term wrapped in ``<mark>``."""
    pattern = _highlight_pattern(terms)
    if pattern is None:
        return escape(text)
    normalized = _normalized_for_matching(text)
    spans = [m.span() for m in pattern.finditer(normalized) if m.end() > m.start()]
    return _mark(text, spans)


def snippet(text: str, terms: list[QueryTerm], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of the original text around the first match, with matches highlighted;
    the start of the text when only the title matched."""
    pattern = _highlight_pattern(terms)
    normalized = _normalized_for_matching(text)
    first = pattern.search(normalized) if pattern else None
    start = max(0, first.start() - SNIPPET_LEAD_CHARS) if first else 0
    end = min(len(text), start + length)
    window = text[start:end]
    spans = []
    if pattern:
        spans = [m.span() for m in pattern.finditer(normalized[start:end]) if m.end() > m.start()]
    html = _mark(window, spans)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + html + suffix)
