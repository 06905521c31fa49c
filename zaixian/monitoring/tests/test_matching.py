"""Topic rules (all / any / none, proximity) and the sentiment lexicon on known texts."""

import pytest

from zaixian.monitoring.matching import RuleMatcher, WordRule, default_lexicon, parse_word_list

WATER = WordRule("water", all_words=("停水",), any_words=("小区", "街道"), none_words=("演练",))
NEAR = WordRule("near", all_words=("供水", "投诉"), window=10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("某小区停水三天", ["water"]),
        ("某街道停水", ["water"]),
        ("全市停水", []),  # no "any" word
        ("某小区停水应急演练", []),  # a "none" word
        ("供水公司接到投诉", ["near"]),
        ("供水" + "，" * 30 + "投诉", []),  # too far apart
        ("投诉" + "x" * 5 + "供水", ["near"]),  # order does not matter
        ("某小区停水，居民投诉供水", ["water", "near"]),  # several topics
        ("ＳＴＯＰ小区停水", ["water"]),  # full-width text is normalised
    ],
)
def test_rules(text, expected):
    assert RuleMatcher([WATER, NEAR]).match(text) == expected


def test_empty_rule_never_matches():
    assert RuleMatcher([WordRule("empty", none_words=("x",))]).match("anything") == []


def test_parse_word_list_accepts_chinese_and_latin_separators():
    assert parse_word_list("停水，断水、 Water\n停水") == ("停水", "断水", "water")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("群众对服务很满意，纷纷点赞", "positive"),
        ("居民投诉小区停水，物业推诿", "negative"),
        ("市政府召开常务会议研究工作", "neutral"),
        ("居民对处理结果不满意", "negative"),  # the longest word wins over 满意
        ("问题没有解决", "negative"),  # a negator reverses 解决
        ("工厂发生爆炸", "negative"),  # strong negative alone
    ],
)
def test_sentiment_lexicon(text, label):
    assert default_lexicon().score(text).label == label
