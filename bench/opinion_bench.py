"""Opinion-watch processing benchmark (not part of the test suite).

Runs N generated items (default 100,000) through the per-item processing of the monitoring
engine and the opinion watch, in one process on one core, with the real code:

* clean text (``zaixian.monitoring.parsing.clean_text``) and URL canonicalisation;
* near-duplicate detection in two stages: SimHash of character 4-shingles with the banded
  index, then the overlap of sampled shingles (``zaixian.monitoring.similarity
  .NearDuplicateGrouper``, the same two stages the database lookup runs);
* topics: 50 topic rules (all / any / none words, some with a proximity window) in one
  Aho-Corasick automaton (``zaixian.monitoring.matching.RuleMatcher``);
* sentiment: the bundled lexicon (``default_lexicon``);
* events: items grouped by their near-duplicate cluster, counted per event with the sentiment;
* reprint matching against 2,000 "portal articles" by sampled-shingle containment
  (``ContainmentIndex``).

No step segments words: shingles and Aho-Corasick work on characters, so jieba runs only where
words are shown (a report's top words). Database writes are not in the figure (an item is one
INSERT plus the banded lookup; see docs/monitoring.md).

It prints items/s and peak memory (ru_maxrss), the dedup precision and recall over pairs on
the generated set (every item's true story is known), the reprint precision and recall, and the
sentiment accuracy on two labelled sets: the 40 sentences below (written by the lexicon's
author, an optimistic check) and ``bench/data/sentiment_labelled.tsv`` (315 posts about city
affairs — complaints, praise, notices and questions — written and labelled without looking at
the lexicon; reported for its development half, its held-out half and whole), with per-class
precision and recall and the confusion matrix.

    .venv/bin/python bench/opinion_bench.py                 # 100,000 items
    .venv/bin/python bench/opinion_bench.py --items 20000   # a loaded machine
    .venv/bin/python bench/opinion_bench.py --sentiment-only
    .venv/bin/python bench/opinion_bench.py --sentiment-only --dev-errors

The labelled file is split into a development half and a held-out half (``split_labelled``:
stratified by label, alternate posts in MD5-of-text order). Lexicon changes are made from the
development half's errors only (``--dev-errors``); the held-out half's figure is the one to
quote.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaixian.settings.test")

import django

django.setup()

from zaixian.core.text import normalize  # noqa: E402
from zaixian.monitoring import similarity  # noqa: E402
from zaixian.monitoring.matching import RuleMatcher, WordRule, default_lexicon  # noqa: E402
from zaixian.monitoring.parsing import canonical_url, clean_text, flat_text  # noqa: E402

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
    "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
    "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
    "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
)
GOV = [
    "市政府",
    "住建局",
    "交通局",
    "生态环境局",
    "市场监管局",
    "教育局",
    "卫健委",
    "公安局",
    "供水公司",
    "街道办",
    "社区",
    "小区",
    "物业",
    "城区",
    "开发区",
    "高速公路",
    "地铁",
    "公交",
    "学校",
    "医院",
    "菜市场",
    "老旧小区",
    "管网",
    "燃气",
    "供暖",
    "垃圾分类",
    "停车场",
]
TOPIC_WORDS = [
    "停水",
    "停电",
    "燃气",
    "供暖",
    "拆迁",
    "征地",
    "欠薪",
    "学校",
    "医院",
    "食品",
    "交通",
    "环境",
    "污染",
    "噪音",
    "物业",
    "房价",
    "公交",
    "地铁",
    "停车",
    "垃圾",
    "扶贫",
    "疫情",
    "安全生产",
    "煤矿",
    "旅游",
    "景区",
    "招聘",
    "考试",
    "住房",
    "公积金",
]
NEGATIVE = ["投诉", "不满", "推诿", "停水", "故障", "隐患", "拖欠", "污染", "无人管", "排长队"]
POSITIVE = ["点赞", "满意", "惠民", "顺利", "便民", "改善", "好评", "圆满", "暖心", "受益"]

LABELLED = [
    ("市民点赞新开通的公交线路，出行更加便利", "positive"),
    ("老旧小区改造完成，居民满意度大幅提升", "positive"),
    ("政务服务中心推出延时服务，群众纷纷称赞", "positive"),
    ("我市荣获全国文明城市称号", "positive"),
    ("医院开通绿色通道，患者感谢医护人员暖心服务", "positive"),
    ("新建学校顺利竣工，秋季学期投入使用", "positive"),
    ("农产品喜获丰收，农民收入明显增长", "positive"),
    ("供暖提前启动，居民家中温暖舒适", "positive"),
    ("景区免费开放一周，游客好评如潮", "positive"),
    ("12345热线快速解决路灯问题，市民送来锦旗", "positive"),
    ("社区志愿者上门服务，老人感到很安心", "positive"),
    ("道路拓宽工程圆满完成，交通拥堵明显改善", "positive"),
    ("某小区停水三天，居民投诉无门", "negative"),
    ("网友质疑某单位乱收费，部门相互推诿", "negative"),
    ("农民工讨薪无果，企业拖欠工资半年", "negative"),
    ("化工厂排放污水，河道污染严重，附近居民担忧", "negative"),
    ("夜间施工噪音扰民，多次举报没人管", "negative"),
    ("小区电梯频繁故障，存在安全隐患", "negative"),
    ("某路段发生交通事故，造成两人受伤", "negative"),
    ("市民反映办事大厅排长队，窗口服务态度差评不断", "negative"),
    ("菜市场垃圾成堆，臭味难闻", "negative"),
    ("网传某学校食堂食材过期变质", "negative"),
    ("一煤矿发生瓦斯爆炸，多人遇难", "negative"),
    ("对处理结果不满意，居民再次上访", "negative"),
    ("问题拖延半年没有解决", "negative"),
    ("某楼盘延期交房，业主维权", "negative"),
    ("市政府召开常务会议研究部署下半年工作", "neutral"),
    ("市统计局发布上半年经济运行数据", "neutral"),
    ("市教育局公布中考报名时间安排", "neutral"),
    ("市气象台预计明天多云转晴", "neutral"),
    ("关于调整部分公交线路的通知", "neutral"),
    ("市人大常委会召开第十次会议", "neutral"),
    ("图书馆周一闭馆进行设备检修", "neutral"),
    ("市住建局发布建筑工地检查名单", "neutral"),
    ("全市开展秋季征兵报名工作", "neutral"),
    ("我市举行防汛应急演练", "neutral"),
    ("地铁三号线进入试运行阶段", "neutral"),
    ("市场监管局开展食品抽检工作", "neutral"),
    ("关于召开全市安全生产工作会议的通知", "neutral"),
    ("市政协委员视察城市建设项目", "neutral"),
]


def make_text(rng: random.Random, length: int) -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        roll = rng.random()
        if roll < 0.08:
            piece = rng.choice(GOV)
        elif roll < 0.11:
            piece = rng.choice(TOPIC_WORDS)
        elif roll < 0.13:
            piece = rng.choice(NEGATIVE if rng.random() < 0.6 else POSITIVE)
        else:
            piece = "".join(rng.choices(COMMON, k=rng.randint(2, 6)))
        parts.append(piece)
        size += len(piece)
        if rng.random() < 0.12:
            parts.append("，" if rng.random() < 0.7 else "。")
    return "".join(parts)


def near_copy(rng: random.Random, text: str) -> str:
    """A reprint: a source line added, a few characters changed."""
    chars = list(text)
    for _ in range(rng.randint(0, 3)):
        chars[rng.randrange(len(chars))] = rng.choice(COMMON)
    edited = "".join(chars)
    if rng.random() < 0.5:
        edited = f"【转载】{edited}"
    if rng.random() < 0.5:
        edited += f"（来源：{rng.choice(GOV)}）"
    return edited


def topic_rules(rng: random.Random) -> list[WordRule]:
    rules = []
    for i in range(50):
        all_words = tuple(rng.sample(TOPIC_WORDS, 1))
        any_words = tuple(rng.sample(GOV, 3))
        none_words = tuple(rng.sample(TOPIC_WORDS, 1)) if i % 3 == 0 else ()
        rules.append(WordRule(i, all_words, any_words, none_words, window=80 if i % 2 else 0))
    return rules


def generate(
    n: int, seed: int
) -> tuple[list[tuple[str, str, str]], list[int], list[str], list[int]]:
    """Items (url, title, body), each item's true story, the portal's articles, and for each
    item the article it reprints (-1 when none)."""
    rng = random.Random(seed)
    articles = [make_text(rng, rng.randint(400, 900)) for _ in range(2000)]
    items: list[tuple[str, str, str]] = []
    truth: list[int] = []
    reprint_of: list[int] = []
    originals: list[int] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.25 and originals:  # a near-duplicate of an earlier item of the last while
            source = rng.choice(originals[-5000:])
            _url, title, body = items[source]
            items.append((f"http://o{i % 97}.example/{i}", title, near_copy(rng, body)))
            truth.append(truth[source])
            reprint_of.append(reprint_of[source])
        elif roll < 0.30:  # a reprint of a portal article: new headline, trimmed body
            a = rng.randrange(len(articles))
            body = articles[a]
            cut = body[: int(len(body) * rng.uniform(0.5, 0.9))]
            items.append((f"http://o{i % 97}.example/{i}", make_text(rng, 16), cut))
            truth.append(-1 - a)  # reprints of one article are one story
            reprint_of.append(a)
            originals.append(i)
        else:
            items.append(
                (
                    f"http://o{i % 97}.example/{i}?utm_source=x",
                    make_text(rng, rng.randint(10, 24)),
                    make_text(rng, rng.randint(200, 800)),
                )
            )
            truth.append(i)
            reprint_of.append(-1)
            originals.append(i)
    return items, truth, articles, reprint_of


def pair_scores(truth: list[int], predicted: list[int]) -> tuple[float, float]:
    def pairs(counter: Counter[object]) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())

    true_pairs = pairs(Counter(truth))
    predicted_pairs = pairs(Counter(predicted))
    both = pairs(Counter(zip(truth, predicted, strict=True)))
    return (
        both / predicted_pairs if predicted_pairs else 1.0,
        both / true_pairs if true_pairs else 1.0,
    )


LABELLED_FILE = Path(__file__).resolve().parent / "data" / "sentiment_labelled.tsv"
CLASSES = ("negative", "neutral", "positive")


def read_labelled(path: Path = LABELLED_FILE) -> list[tuple[str, str]]:
    """(text, label) pairs of a ``label<TAB>text`` file; ``#`` lines are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        if label not in CLASSES:
            raise ValueError(f"unknown label {label!r} in {path}")
        pairs.append((text, label))
    return pairs


def _text_hash(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def split_labelled(
    labelled: list[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The development half and the held-out half of a labelled set, stratified by label.

    Within each label the posts are ordered by the MD5 of their UTF-8 text; the 1st, 3rd, 5th…
    go to the development half and the 2nd, 4th, 6th… to the held-out half. The rule depends
    only on the texts, so adding posts moves few others, and it is blind to the lexicon. Tune
    the lexicon on the development half's errors only; quote the held-out half's figure."""
    dev: list[tuple[str, str]] = []
    held_out: list[tuple[str, str]] = []
    for c in CLASSES:
        posts = sorted(
            (pair for pair in labelled if pair[1] == c),
            key=lambda pair: _text_hash(pair[0]),
        )
        dev.extend(posts[0::2])
        held_out.extend(posts[1::2])
    return dev, held_out


def sentiment_report(name: str, labelled: list[tuple[str, str]]) -> None:
    """Accuracy, per-class precision and recall, and the confusion matrix of the lexicon."""
    lexicon = default_lexicon()
    confusion: Counter[tuple[str, str]] = Counter(
        (label, lexicon.score(text).label) for text, label in labelled
    )
    right = sum(confusion[(c, c)] for c in CLASSES)
    print(
        f"sentiment, {name}: {right} of {len(labelled)} right "
        f"(accuracy {right / len(labelled):.3f})"
    )
    for c in CLASSES:
        predicted = sum(confusion[(t, c)] for t in CLASSES)
        actual = sum(confusion[(c, p)] for p in CLASSES)
        precision = confusion[(c, c)] / predicted if predicted else 0.0
        recall = confusion[(c, c)] / actual if actual else 0.0
        print(
            f"  {c:<9} precision {precision:.3f} ({confusion[(c, c)]}/{predicted}), "
            f"recall {recall:.3f} ({confusion[(c, c)]}/{actual})"
        )
    print("  confusion (rows: label, columns: predicted): " + " ".join(f"{c:>9}" for c in CLASSES))
    for t in CLASSES:
        print(f"  {t:>45} " + " ".join(f"{confusion[(t, p)]:>9}" for p in CLASSES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentiment-only", action="store_true", help="only the sentiment accuracy")
    parser.add_argument(
        "--dev-errors",
        action="store_true",
        help="with --sentiment-only, list the development half's misclassified posts "
        "(never the held-out half's)",
    )
    args = parser.parse_args()
    if args.sentiment_only:
        labelled_reports(show_dev_errors=args.dev_errors)
        return

    t0 = time.perf_counter()
    items, truth, articles, reprint_of = generate(args.items, args.seed)
    print(
        f"generated {len(items):,} items ({sum(len(b) for _u, _t, b in items) / len(items):.0f} "
        f"characters of text on average) in {time.perf_counter() - t0:.1f} s"
    )

    rng = random.Random(args.seed)
    matcher = RuleMatcher(topic_rules(rng))
    lexicon = default_lexicon()
    reprints = similarity.ContainmentIndex()
    for number, text in enumerate(articles):
        reprints.add(number, text)
    dedup = similarity.NearDuplicateGrouper()

    predicted: list[int] = []
    found_reprint: list[int] = []
    topic_hits = 0
    events: dict[int, Counter[str]] = defaultdict(Counter)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for index, (url, title, body) in enumerate(items):
        body = clean_text(body)
        canonical_url(url)
        text = normalize(flat_text(title, body))
        hashes = similarity.shingle_hashes(text)
        cluster = int(dedup.add(hashes, index))  # type: ignore[call-overload]
        predicted.append(cluster)
        topics = matcher.match(text, is_normalised=True)
        topic_hits += bool(topics)
        sentiment = lexicon.score(text, is_normalised=True)
        if topics:
            events[cluster][sentiment.label] += 1
        match = reprints.match_samples(similarity.samples_of(hashes))
        found_reprint.append(int(match[0]) if match else -1)  # type: ignore[call-overload]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    precision, recall = pair_scores(truth, predicted)
    true_reprints = sum(1 for r in reprint_of if r >= 0)
    found = sum(1 for f in found_reprint if f >= 0)
    correct = sum(1 for f, r in zip(found_reprint, reprint_of, strict=True) if f >= 0 and f == r)
    multi = sum(1 for c in events.values() if sum(c.values()) >= 2)

    print(
        f"processed {len(items):,} items in {elapsed:.1f} s wall, {cpu:.1f} s CPU: "
        f"{len(items) / cpu:,.0f} items per CPU-second on one core (target 1,000), "
        f"{len(items) / elapsed:,.0f} items/s wall clock on this shared machine; "
        f"peak memory {peak_mb:,.0f} MB (ru_maxrss, whole process)"
    )
    print(
        f"topics: {topic_hits:,} items matched at least one of 50 topics; "
        f"events (stories of 2+ matching items): {multi:,}"
    )
    print(
        f"dedup over pairs: precision {precision:.4f}, recall {recall:.4f} "
        f"({len(set(truth)):,} true stories, {len(set(predicted)):,} found)"
    )
    print(
        f"reprints: {correct:,} of {true_reprints:,} found "
        f"(recall {correct / max(true_reprints, 1):.4f}), "
        f"precision {correct / max(found, 1):.4f}"
    )
    labelled_reports()


def labelled_reports(*, show_dev_errors: bool = False) -> None:
    """The sentiment reports: the author's sentences, then the labelled file's development
    half, held-out half and whole."""
    sentiment_report("lexicon author's 40 sentences", LABELLED)
    labelled = read_labelled()
    dev, held_out = split_labelled(labelled)
    sentiment_report(f"{LABELLED_FILE.name}, development half", dev)
    sentiment_report(f"{LABELLED_FILE.name}, held-out half (quote this one)", held_out)
    sentiment_report(f"{LABELLED_FILE.name}, whole", labelled)
    if show_dev_errors:
        lexicon = default_lexicon()
        print("development half errors (label -> predicted, score):")
        for text, label in dev:
            result = lexicon.score(text)
            if result.label != label:
                print(f"  {label:>8} -> {result.label:<8} {result.score:+.1f}  {text}")


if __name__ == "__main__":
    main()
