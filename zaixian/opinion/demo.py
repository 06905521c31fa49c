"""The demo city's public-opinion watch: sources in five collections, about 1,300 items of the
last week imported through the engine's file-import path (so every item is processed as a
fetched one would be), two topics, events, an alert rule, one confirmed incident with its
clocks, reprints of the portal's own articles, and a numbered flash report and daily digest.

The items are generated from a fixed seed (stories retold by several outlets, with the small
edits reprints make, and background news), not recorded from real sites."""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from zaixian.core.models import User
from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.monitoring import actions as monitoring_actions
from zaixian.monitoring.models import Source
from zaixian.opinion import actions
from zaixian.opinion.models import AlertRule, Event, Report, ResponsePlan

DEMO_SEED = 20240307
DEMO_MARKER_URL = "https://demo.zaixian.invalid/opinion/"


class Writer(Protocol):
    def write(self, message: str) -> object: ...


COLLECTIONS = [
    ("central", "中央媒体", 3.0, ["人民网", "新华网", "央视网"]),
    ("provincial", "省级媒体", 2.0, ["山西新闻网", "黄河新闻网", "山西日报"]),
    ("local", "本地媒体", 1.0, ["晋城日报", "晋城新闻网", "太行日报"]),
    ("forum", "论坛社区", 1.5, ["晋城论坛", "太行社区"]),
    ("official", "政务账号", 1.0, ["晋城发布", "晋城住建"]),
]

# (title, lead, sentence pool): each story is retold by several outlets.
STORIES = [
    (
        "城东小区停水三天无人管 居民投诉无门",
        "近日，城东某小区停水已经三天，居民多次投诉物业和供水公司，均被相互推诿。",
        "不少居民提着水桶到附近取水。老人和孩子用水尤其困难。居民表示停水前没有任何通知。"
        "有居民说已经拨打了十几次电话。希望有关部门尽快解决。",
    ),
    (
        "供水管网改造完成 三万户居民受益",
        "今年以来，市住建局共改造老旧供水管网120公里，惠及居民3万户，群众满意。",
        "改造采用新型管材。漏损率下降到百分之十以内。下一步将推进农村供水工程。",
    ),
    (
        "某街道垃圾成堆臭味扰民 居民不满",
        "有居民反映某街道垃圾成堆，臭味扰民，多次举报无人理。",
        "记者现场看到垃圾桶满溢。附近商户也表示不满。街道办称将尽快清运。",
    ),
    (
        "我市燃气管道更新工程顺利推进",
        "市燃气公司加快老旧燃气管道更新，已完成年度任务的六成，居民点赞。",
        "施工期间将提前通知。工程完成后将消除安全隐患。",
    ),
    (
        "城区供水管道爆裂 多个小区停水",
        "今晨城区一处供水主管道爆裂，附近多个小区停水，抢修人员正在紧急处置。",
        "供水公司表示预计傍晚恢复供水。居民反映事先没有收到通知，对停水时间过长表示不满。"
        "部分学校临时调整作息。市民质疑管网老化问题长期得不到解决。",
    ),
]
BACKGROUND = [
    "市政府召开常务会议研究部署近期重点工作。",
    "全市开展春季义务植树活动。",
    "市图书馆推出周末阅读活动。",
    "我市举行防汛应急演练。",
    "市统计局发布一季度经济数据。",
    "全市中小学开展安全教育周活动。",
    "市场监管局开展食品安全抽检。",
    "公交公司调整部分线路。",
]


def is_opinion_demo_loaded() -> bool:
    return Source.objects.filter(url__startswith=DEMO_MARKER_URL).exists()


def _record(rng: random.Random, *, url: str, title: str, body: str, at: datetime) -> str:
    return json.dumps(
        {"url": url, "title": title, "body": body, "published_at": at.isoformat()},
        ensure_ascii=False,
    )


def _retell(rng: random.Random, lead: str, pool: str) -> str:
    sentences = [s + "。" for s in pool.split("。") if s]
    rng.shuffle(sentences)
    return lead + "".join(sentences[: rng.randint(2, len(sentences))])


def load_opinion_demo(*, stdout: Writer | None = None, items: int = 1200) -> int:
    """Load the demo watch once; returns the number of items made (0 when already loaded)."""
    if is_opinion_demo_loaded():
        return 0
    started = time.monotonic()
    rng = random.Random(DEMO_SEED)  # noqa: S311 — reproducible demo data, not secrets
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        sources: list[Source] = []
        for slug, name, weight, outlets in COLLECTIONS:
            collection = monitoring_actions.create_source_collection(
                name=name, slug=slug, weight=weight
            )
            for outlet in outlets:
                sources.append(
                    Source.objects.create(
                        name=f"{outlet}（导入）",
                        outlet=outlet,
                        kind=Source.Kind.FILE_IMPORT,
                        url=f"{DEMO_MARKER_URL}{slug}/{len(sources)}",
                        collection=collection,
                    )
                )
        actions.save_topic(name="城市供水", all_words="供水 停水", any_words="", window=0)
        actions.save_topic(
            name="市容环境", all_words="", any_words="垃圾 臭味 燃气 扰民", none_words="演练"
        )
        plan = ResponsePlan.objects.create(
            name="供水突发事件舆情处置预案",
            steps="\n".join(actions.DEFAULT_RESPONSE_STEPS),
        )
        AlertRule.objects.create(
            name="供水负面舆情激增",
            topic=actions.Topic.objects.get(name="城市供水"),
            window_hours=6,
            min_items=5,
            growth_factor=2.0,
            min_negative_share=0.5,
            plan=plan,
        )
        per_source: dict[int, list[str]] = {s.pk: [] for s in sources}
        count = 0
        for index in range(items):
            source = rng.choice(sources)
            roll = rng.random()
            if roll < 0.45:
                story = rng.randrange(len(STORIES))
                title, lead, pool = STORIES[story]
                if story == len(STORIES) - 1:  # the burst main: the last six hours, growing
                    at = now - timedelta(minutes=int(360 * rng.random() ** 2))
                else:
                    at = now - timedelta(hours=rng.uniform(8, 24 * 7))
                body = _retell(rng, lead, pool) + f"（来源：{source.outlet}）"
                title = title if rng.random() < 0.7 else f"【关注】{title}"
            else:
                at = now - timedelta(hours=rng.uniform(0, 24 * 7))
                body = "".join(rng.sample(BACKGROUND, 3))
                title = body.split("。")[0][:30]
            per_source[source.pk].append(
                _record(rng, url=f"{source.url}/{index}.html", title=title, body=body, at=at)
            )
            count += 1
        count += _reprints(rng, sources=sources, per_source=per_source, now=now)
        for source in sources:
            content = "\n".join(per_source[source.pk]).encode()
            monitoring_actions.import_items_file(source=source, content=content, name="feed.jsonl")
        raised = actions.evaluate_alert_rules(now=now)
        analyst = (
            users_with_role(Role.OPINION_ANALYST).first()
            or User.objects.filter(is_superuser=True).first()
        )
        if raised and analyst is not None:
            incident = actions.confirm_alert(alert=raised[0], user=analyst, note="情况属实")
            actions.record_incident_milestone(
                incident=incident,
                user=analyst,
                milestone="first_release_at",
                at=max(incident.opened_at, now - timedelta(minutes=30)),
            )
            actions.number_report(
                kind=Report.Kind.FLASH,
                title=f"舆情快报：{incident.event.title}",
                event=incident.event,
            )
        actions.number_report(
            kind=Report.Kind.DAILY_DIGEST,
            title="舆情日报",
            period_start=now.date(),
            period_end=now.date(),
        )
    if stdout is not None:
        stdout.write(
            f"opinion: {count} items, {Event.objects.count()} events, {len(raised)} alerts "
            f"({time.monotonic() - started:.1f} s)\n"
        )
    return count


def _reprints(
    rng: random.Random, *, sources: list[Source], per_source: dict[int, list[str]], now: datetime
) -> int:
    """Central and provincial outlets reprint some of the portal's own articles, with a new
    headline and the body cut short."""
    from zaixian.monitoring.parsing import clean_text
    from zaixian.portal.models import ArticlePage

    outlets = [
        s for s in sources if s.collection and s.collection.slug in {"central", "provincial"}
    ]
    made = 0
    for page in ArticlePage.objects.live().order_by("-first_published_at")[:40]:
        text = clean_text(str(page.body))
        if len(text) < 120:
            continue
        for source in rng.sample(outlets, rng.randint(1, 3)):
            cut = text[: int(len(text) * rng.uniform(0.6, 0.95))]
            at = now - timedelta(hours=rng.uniform(1, 24 * 7))
            per_source[source.pk].append(
                _record(
                    rng,
                    url=f"{source.url}/r{page.pk}.html",
                    title=f"晋城：{page.title}",
                    body=cut,
                    at=at,
                )
            )
            made += 1
    return made
