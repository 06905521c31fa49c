"""Fingerprints: SimHash banded lookup and containment of trimmed reprints."""

from zaixian.monitoring import similarity

ARTICLE = (
    "市政府召开新闻发布会，通报近期城区供水管网改造进展情况。据介绍，今年以来共改造老旧管网120"
    "公里，惠及居民3万户。下一步将加快推进剩余工程，确保汛期前全部完工，保障群众用水安全。"
    "发布会上，相关部门负责人回答了记者提问，并就居民关心的水价问题作了说明。"
    "据悉，改造工程采用新型管材，预计使用寿命可达五十年，漏损率将下降到百分之十以内。"
)
OTHER = "晋城市公安局破获一起电信诈骗案件，抓获犯罪嫌疑人12名，涉案金额500余万元。" * 3


def test_simhash_is_stable_across_calls_and_ignores_punctuation():
    assert similarity.simhash(ARTICLE) == similarity.simhash(ARTICLE.replace("，", " "))
    assert similarity.simhash("") == 0


def test_small_edit_is_within_distance_and_other_story_is_far():
    edited = ARTICLE + "（记者 张三）"

    assert similarity.distance(similarity.simhash(ARTICLE), similarity.simhash(edited)) <= 3
    assert similarity.distance(similarity.simhash(ARTICLE), similarity.simhash(OTHER)) > 10


def test_signed_storage_round_trip():
    value = (1 << 64) - 5

    assert similarity.to_unsigned(similarity.to_signed(value)) == value


def test_banded_index_groups_near_duplicates():
    groups = similarity.group_near_duplicates([ARTICLE, OTHER, ARTICLE + "。", OTHER + "！"])

    assert groups == [0, 1, 0, 1]


def test_containment_finds_trimmed_reprint_with_new_headline():
    index = similarity.ContainmentIndex()
    index.add("ours", "供水管网改造进展\n" + ARTICLE)
    index.add("other", OTHER)
    reprint = "晋城：老旧管网改造惠及三万户\n" + ARTICLE[: len(ARTICLE) * 2 // 3]

    match = index.match(reprint)

    assert match is not None
    assert match[0] == "ours"
    assert match[1] > 0.7


def test_containment_rejects_unrelated_text():
    index = similarity.ContainmentIndex()
    index.add("ours", ARTICLE)

    assert index.match(OTHER) is None


def test_scattered_edits_are_grouped_by_samples_when_simhash_misses():
    edited = "".join("改" if i % 25 == 24 else ch for i, ch in enumerate(ARTICLE * 2))

    assert similarity.distance(similarity.simhash(ARTICLE * 2), similarity.simhash(edited)) > 3
    assert similarity.group_near_duplicates([ARTICLE * 2, OTHER, edited]) == [0, 1, 0]
