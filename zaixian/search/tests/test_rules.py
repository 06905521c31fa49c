"""Pure search rules: the fast NFKC used by highlighting matches Python's own."""

from __future__ import annotations

import random
import unicodedata

import pytest

from zaixian.search import rules

TRICKY = [
    "中",
    "文",
    "，",
    "。",
    "！",
    "Ａ",
    "ｚ",
    "１",
    "\u3000",
    " ",
    "a",
    "\u0301",  # combining acute: composes with a letter before it
    "ｶ",
    "ﾞ",  # half-width katakana and voicing mark: compose into ガ
    "①",
    "ﬁ",
    "\ufa11",  # a CJK compatibility ideograph
    "\u3400",  # CJK extension A
    "ℌ",
    "㎏",
    "\ufe00",  # a variation selector
]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("市政府召开会议，全面落实。", id="full-width-punctuation"),
        pytest.param("ＩＰｖ６地址分配１２３１６热线", id="full-width-letters-digits"),
        pytest.param("中\u0301文Ａ\u0301", id="combining-marks"),
        pytest.param("ｶﾞ的ﬁ①", id="compositions-and-compatibility"),
        pytest.param("", id="empty"),
    ],
)
def test_nfkc_is_pythons_nfkc(text):
    assert rules.nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_is_pythons_nfkc_on_random_mixtures():
    rng = random.Random(20261127)  # noqa: S311 — seeded test data, not security
    for _ in range(2_000):
        text = "".join(rng.choices(TRICKY, k=rng.randint(1, 12)))
        assert rules.nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_snippet_finds_a_full_width_match_in_a_chinese_body():
    terms = rules.parse_query("ipv6").terms
    body = "各单位，" * 20 + "完成ＩＰｖ６改造。"

    html = str(rules.snippet(body, terms))

    assert "<mark>ＩＰｖ６</mark>" in html
    assert html.startswith("…")
