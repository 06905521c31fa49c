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
        ("窗口服务太差了", "negative"),  # a degree word makes 差 a word
        ("工作人员特别耐心", "positive"),  # and 耐心
        ("工地施工，打了热线也没人来处理", "negative"),  # 处理 scores only when negated
        ("补贴至今还没到账", "negative"),
        ("为什么停车费还在涨？", "negative"),  # a rhetorical complaint
        ("为什么要开展垃圾分类？", "neutral"),  # a plain question
        ("今年的灯会办得非常成功", "positive"),  # 非常 is no negator
        ("开发商拒不承认，维权太难了", "negative"),  # no negation across the comma
        ("不交费就不给开通", "negative"),  # 不给 carries its own negation
        ("关于做好火灾防控工作的通告", "neutral"),  # prevention, not a fire
        ("计划于周三检修线路，届时部分区域停电", "neutral"),  # a notice is damped
        ("停电三天了，居民投诉无人理", "negative"),  # a complaint is not
    ],
)
def test_sentiment_lexicon(text, label):
    assert default_lexicon().score(text).label == label
