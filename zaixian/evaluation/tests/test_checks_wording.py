"""The wording matcher and the shipped rules (checks/wording.py, data/wording_rules.csv)."""

from __future__ import annotations

from collections import Counter

import pytest

from zaixian.evaluation.checks.wording import (
    DEFAULT_RULES_PATH,
    WordingMatcher,
    WordingRuleData,
    default_exempt_phrases,
    default_wording_rules,
    read_wording_csv,
)
from zaixian.evaluation.models import WordingRule

SERIOUS_KINDS = {"leader", "institution", "division", "forbidden"}


@pytest.fixture(scope="module")
def matcher():
    return WordingMatcher(default_wording_rules(), exempt=default_exempt_phrases())


def test_default_list_is_long_and_well_formed():
    rules = default_wording_rules()

    assert len(rules) >= 150
    assert {rule.kind for rule in rules} <= set(WordingRule.Kind.values)
    assert all(rule.wrong and rule.wrong != rule.correct for rule in rules)
    assert all(rule.correct for rule in rules if rule.kind != "forbidden")
    assert [w for w, n in Counter(rule.wrong for rule in rules).items() if n > 1] == []


def test_default_rules_fit_the_model_fields():
    rules = default_wording_rules()

    assert max(len(rule.wrong) for rule in rules) <= WordingRule._meta.get_field("wrong").max_length
    assert max(len(rule.note) for rule in rules) <= WordingRule._meta.get_field("note").max_length


def test_names_and_forbidden_words_are_serious_and_typos_are_not():
    for rule in default_wording_rules():
        assert rule.is_serious is (rule.kind in SERIOUS_KINDS), rule


def test_leader_fixture_is_the_only_leader_name():
    leaders = [rule for rule in default_wording_rules() if rule.kind == "leader"]

    assert [(rule.wrong, rule.correct) for rule in leaders] == [("张建囯", "张建国")]
    assert "test fixture" in leaders[0].note


def test_no_wrong_form_is_found_in_a_correct_form(matcher):
    """A rule's correct form must never itself read as another rule's wrong form."""
    corrects = {rule.correct for rule in default_wording_rules() if rule.correct}

    assert {text: [m.rule.wrong for m in matcher.find(text)] for text in corrects} == {
        text: [] for text in corrects
    }


@pytest.mark.parametrize(
    "text",
    [
        "晋城市人民政府办公室关于印发2026年政务公开工作要点的通知",
        "泽州县、高平市、阳城县、陵川县、沁水县、城区",
        "阳城县市场监督管理局、阳城市场监管所开展检查，阳城市民踊跃参与",
        "洛阳城市建设和襄阳城市更新经验值得借鉴",
        "国家发展和改革委员会、山西省发展和改革委员会、国家发展改革委",
        "人民检察院、纪律检查委员会、监察委员会",
        "他激动得不能自已",
        "登录网站后填写账号，即使截止日期已过也可补报",
    ],
)
def test_correct_text_has_no_match(matcher, text):
    assert matcher.find(text) == []


@pytest.mark.parametrize(
    ("text", "wrong", "correct"),
    [
        ("山西省晋城市择州县人民政府", "择州县", "泽州县"),
        ("高平县委县政府召开会议", "高平县", "高平市"),
        ("阳城市人民政府", "阳城市", "阳城县"),
        ("陵川市人民政府", "陵川市", "陵川县"),
        ("欢迎来到晋成市", "晋成市", "晋城市"),
        ("国务院办公室印发", "国务院办公室", "国务院办公厅"),
        ("市发展改革委员会", "发展改革委员会", "发展和改革委员会"),
        ("请按装客户端", "按装", "安装"),
        ("再接再励，争取更大成绩", "再接再励", "再接再厉"),
        ("他自已报名", "自已", "自己"),
    ],
)
def test_wrong_form_is_found(matcher, text, wrong, correct):
    [match] = matcher.find(text)

    assert (match.rule.wrong, match.rule.correct) == (wrong, correct)


def test_matches_are_counted_with_the_first_context():
    matcher = WordingMatcher(
        [WordingRuleData(kind="typo", wrong="布署", correct="部署", is_serious=False)]
    )
    text = "会议研究布署了冬季供暖工作。" + "其他内容" * 10 + "再次布署。"

    [match] = matcher.find(text)

    assert match.count == 2
    assert match.first_start == 4
    assert match.context == "会议研究布署了冬季供暖工作。其他内容其他内"


def test_matches_come_in_order_of_first_occurrence(matcher):
    matches = matcher.find("晋成市按装了新设备，高平县也按装了")

    assert [(m.rule.wrong, m.count) for m in matches] == [("晋成市", 1), ("按装", 2), ("高平县", 1)]


def test_rule_whose_correct_form_contains_the_wrong_one_does_not_match_the_correct_form():
    matcher = WordingMatcher(
        [WordingRuleData(kind="institution", wrong="发展改革局", correct="市发展改革局")]
    )

    assert matcher.find("市发展改革局") == []
    assert len(matcher.find("县发展改革局")) == 1


def test_model_rules_are_accepted():
    rule = WordingRule(kind=WordingRule.Kind.LEADER_NAME, wrong="王晓鸣", correct="王晓明")

    [match] = WordingMatcher([rule]).find("副市长王晓鸣出席")

    assert match.rule is rule


def test_empty_rules_match_nothing():
    assert WordingMatcher([]).find("人民正府") == []


def test_csv_comments_and_exempt_rows_are_read(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(
        "# a comment\nkind,wrong,correct,is_serious,note\n"
        "division,阳城市,阳城县,1,\nexempt,阳城市场,,,\ntypo,按装,安装,0,\n",
        encoding="utf-8",
    )

    rules, exempt = read_wording_csv(path)

    assert [(r.kind, r.wrong, r.is_serious) for r in rules] == [
        ("division", "阳城市", True),
        ("typo", "按装", False),
    ]
    assert exempt == ["阳城市场"]


def test_shipped_csv_is_next_to_its_readme():
    assert DEFAULT_RULES_PATH.exists()
    assert (DEFAULT_RULES_PATH.parent / "README.md").exists()
