"""The demo city's public-opinion watch: 13 feed sources in five collections whose URLs point at
the running demo server (``/monitoring/demo-feeds/<name>.xml``, served from the engine's
bundled recorded feeds), about 3,000 items of the week before the feeds were recorded, two
topics, events, an alert rule, one confirmed incident with its clocks, reprints of the
portal's own articles, and a numbered flash report and daily digest.

Loading replays the bundled feeds through the engine (parsed as a fetch would parse them,
every item processed as a fetched one), with the recorded times moved so that the recording
ends now; the scheduler's later fetches of the same feeds find nothing new. The feeds are
generated from a fixed seed by ``write_demo_feeds`` (stories retold by several outlets, with
the small edits reprints make, and background news), not recorded from real sites. The
reprints are made at load time from the portal's newest articles, which the demo generates
too."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zaixian.core.models import User
from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.monitoring import actions as monitoring_actions
from zaixian.monitoring import queries as monitoring_queries
from zaixian.monitoring.models import Source, SourceCollection
from zaixian.monitoring.parsing import ItemDraft
from zaixian.monitoring.queries import DEMO_FEEDS_DIR
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


DEMO_FEED_PATH = "/monitoring/demo-feeds/"
ATOM = "http://www.w3.org/2005/Atom"
# The recorded feeds end at this time; loading moves every item by (now − RECORDED_AT).
RECORDED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(480))
DEMO_FEED_ITEMS = 3000
# Loading replays every third recorded item (so `zaixian demo --no-serve` stays fast); the
# scheduler's first fetches of the feeds from the running demo server bring in the rest.
REPLAY_STRIDE = 3


def is_opinion_demo_loaded() -> bool:
    return Source.objects.filter(
        Q(url__startswith=DEMO_MARKER_URL) | Q(url__contains=DEMO_FEED_PATH)
    ).exists()


def _retell(rng: random.Random, lead: str, pool: str) -> str:
    sentences = [s + "。" for s in pool.split("。") if s]
    rng.shuffle(sentences)
    return lead + "".join(sentences[: rng.randint(2, len(sentences))])


def _feed_name(slug: str, index: int) -> str:
    return f"{slug}-{index + 1}"


def demo_outlets() -> list[tuple[str, str, float, str, str]]:
    """(collection slug, collection name, weight, outlet, feed name) of every demo source."""
    return [
        (slug, name, weight, outlet, _feed_name(slug, index))
        for slug, name, weight, outlets in COLLECTIONS
        for index, outlet in enumerate(outlets)
    ]


def write_demo_feeds(
    *, directory: Path = DEMO_FEEDS_DIR, items: int = DEMO_FEED_ITEMS, seed: int = DEMO_SEED
) -> int:
    """(Re)generate the bundled recorded feeds: RSS 2.0 for the media, Atom for the forums
    and official accounts. Run by hand when the demo's stories change:
    ``manage.py shell -c "from zaixian.opinion.demo import write_demo_feeds; write_demo_feeds()"``.
    """
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not secrets
    outlets = demo_outlets()
    entries: dict[str, list[tuple[datetime, str, str, str]]] = {o[4]: [] for o in outlets}
    for index in range(items):
        slug, _name, _weight, outlet, feed = rng.choice(outlets)
        if rng.random() < 0.45:
            story = rng.randrange(len(STORIES))
            title, lead, pool = STORIES[story]
            if story == len(STORIES) - 1:  # the burst: the last six hours, growing
                at = RECORDED_AT - timedelta(minutes=int(360 * rng.random() ** 2))
            else:
                at = RECORDED_AT - timedelta(hours=rng.uniform(8, 24 * 7))
            body = _retell(rng, lead, pool) + f"（来源：{outlet}）"
            title = title if rng.random() < 0.7 else f"【关注】{title}"
        else:
            at = RECORDED_AT - timedelta(hours=rng.uniform(0, 24 * 7))
            body = "".join(rng.sample(BACKGROUND, 3))
            title = body.split("。")[0][:30]
        url = f"https://{feed}.demo-media.invalid/{at:%Y%m}/{index}.html"
        entries[feed].append((at.replace(second=0, microsecond=0), url, title, body))
    directory.mkdir(parents=True, exist_ok=True)
    for slug, _name, _weight, outlet, feed in outlets:
        rows = sorted(entries[feed], reverse=True)
        is_atom = slug in {"forum", "official"}
        document = _atom(outlet, feed, rows) if is_atom else _rss(outlet, feed, rows)
        (directory / f"{feed}.xml").write_text(document, encoding="utf-8")
    return items


def _rss(outlet: str, feed: str, rows: list[tuple[datetime, str, str, str]]) -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(outlet)}</title><link>https://{feed}.demo-media.invalid/</link>",
        f"<description>{escape(outlet)}</description><language>zh-cn</language>",
    ]
    for at, url, title, body in rows:
        parts.append(
            f"\n<item><title>{escape(title)}</title><link>{url}</link><guid>{url}</guid>"
            f"<pubDate>{format_datetime(at)}</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    parts.append("\n</channel></rss>\n")
    return "".join(parts)


def _atom(outlet: str, feed: str, rows: list[tuple[datetime, str, str, str]]) -> str:
    updated = rows[0][0].isoformat() if rows else RECORDED_AT.isoformat()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(outlet)}</title><id>https://{feed}.demo-media.invalid/</id>",
        f"<updated>{updated}</updated>",
    ]
    for at, url, title, body in rows:
        parts.append(
            f'\n<entry><title>{escape(title)}</title><link href="{url}"/><id>{url}</id>'
            f"<updated>{at.isoformat()}</updated><published>{at.isoformat()}</published>"
            f"<author><name>{escape(outlet)}</name></author>"
            f"<summary>{escape(body)}</summary></entry>"
        )
    parts.append("\n</feed>\n")
    return "".join(parts)


def recorded_entries(content: bytes) -> list[ItemDraft]:
    """The entries of a bundled RSS or Atom feed, read with ElementTree: the loader's fast
    path (feedparser, which the fetches use, reads 3,000 entries in seconds)."""
    root = ElementTree.fromstring(content)  # noqa: S314 — our own bundled file
    if root.tag == f"{{{ATOM}}}feed":
        return [
            ItemDraft(
                url=_atom_link(entry),
                title=entry.findtext(f"{{{ATOM}}}title", ""),
                body=entry.findtext(f"{{{ATOM}}}summary", ""),
                published_at=datetime.fromisoformat(entry.findtext(f"{{{ATOM}}}published", "")),
            )
            for entry in root.iter(f"{{{ATOM}}}entry")
        ]
    return [
        ItemDraft(
            url=entry.findtext("link", ""),
            title=entry.findtext("title", ""),
            body=entry.findtext("description", ""),
            published_at=parsedate_to_datetime(entry.findtext("pubDate", "")),
        )
        for entry in root.iter("item")
    ]


def _atom_link(entry: ElementTree.Element) -> str:
    link = entry.find(f"{{{ATOM}}}link")
    return link.get("href", "") if link is not None else ""


def load_opinion_demo(*, stdout: Writer | None = None, items: int | None = None) -> int:
    """Load the demo watch once; returns the number of items made (0 when already loaded).
    ``items`` replays only about that many of the recorded items (every n-th), for tests;
    by default every third is replayed and the scheduler's fetches bring in the rest."""
    if is_opinion_demo_loaded():
        return 0
    started = time.monotonic()
    rng = random.Random(DEMO_SEED)  # noqa: S311 — reproducible demo data, not secrets
    now = timezone.now().replace(second=0, microsecond=0)
    shift = now - RECORDED_AT
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    stride = max(1, DEMO_FEED_ITEMS // items) if items else REPLAY_STRIDE
    shift_seconds = int(shift.total_seconds())
    with transaction.atomic():
        sources: list[Source] = []
        recorded: dict[int, bytes] = {}
        collections: dict[str, SourceCollection] = {}
        for slug, name, weight, outlet, feed in demo_outlets():
            if slug not in collections:
                collections[slug] = monitoring_actions.create_source_collection(
                    name=name, slug=slug, weight=weight
                )
            source = Source.objects.create(
                name=outlet,
                outlet=outlet,
                kind=Source.Kind.FEED,
                url=f"{base_url}{DEMO_FEED_PATH}{feed}.xml?shift={shift_seconds}",
                collection=collections[slug],
                interval_minutes=60,
            )
            sources.append(source)
            recorded[source.pk] = monitoring_queries.demo_feed(feed) or b"<rss/>"
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
        reprints: dict[int, list[ItemDraft]] = {s.pk: [] for s in sources}
        _reprints(rng, sources=sources, per_source=reprints, now=now)
        count = 0
        for source in sources:
            drafts = [
                replace(draft, published_at=draft.published_at + shift)
                for draft in recorded_entries(recorded[source.pk])[::stride]
                if draft.published_at is not None
            ]
            drafts.sort(key=lambda d: d.published_at or now)
            run = monitoring_actions.import_drafts(
                source=source, drafts=[*drafts, *reprints[source.pk]], now=now
            )
            count += run.items_new
        # Due at once: the scheduler's first run fetches the rest of each recording.
        Source.objects.filter(pk__in=[s.pk for s in sources]).update(next_fetch_at=now)
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
            actions.complete_incident_step(
                step=incident.steps.order_by("position").first(),  # type: ignore[arg-type]  # the plan has steps
                user=analyst,
                note="已联系市供水公司，抢修队伍已到场",
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
            f"opinion: {count} items from {len(sources)} recorded feeds, "
            f"{Event.objects.count()} events, {len(raised)} alerts "
            f"({time.monotonic() - started:.1f} s)\n"
        )
    return count


def _reprints(
    rng: random.Random,
    *,
    sources: list[Source],
    per_source: dict[int, list[ItemDraft]],
    now: datetime,
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
                ItemDraft(
                    url=f"https://{source.pk}.demo-media.invalid/reprint/{page.pk}.html",
                    title=f"晋城：{page.title}",
                    body=cut,
                    published_at=at,
                )
            )
            made += 1
    return made
