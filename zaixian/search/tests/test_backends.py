"""The index backends on the database in use (SQLite FTS5, or PostgreSQL in its run of the
suite): the ranking tiers for large match sets, phrases over the character bigrams."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zaixian.search import actions, backends, queries
from zaixian.search.backends import get_backend


def _document(number: int, *, title: str, body: str) -> actions.DocumentInput:
    return actions.DocumentInput(
        key=f"test:{number}",
        title=title,
        body=body,
        url=f"/test/{number}/",
        published_at=timezone.now() - dt.timedelta(days=number),
    )


FILLER = "今天天气很好。" * 30
"""A body start of 210 characters without the query words: what follows is beyond the lead."""


@pytest.mark.django_db
def test_relevance_tiers_title_then_lead_by_score_then_the_rest_newest_first():
    actions.index_documents(
        documents=[
            _document(1, title="农业标题", body="正文。"),  # indexed first: the oldest id
            _document(2, title="新闻", body="发展农业。"),
            _document(3, title="新闻", body="农业农业农业农业。"),
            _document(4, title="新闻", body=FILLER + "农业农业农业农业农业。"),
            _document(5, title="新闻", body=FILLER + "发展农业。"),
        ]
    )

    results = queries.search("农业")

    assert results.total == 5
    assert [hit.document.key for hit in results.hits] == [
        "test:1",  # every term in the title, although the oldest
        "test:3",  # in the lead, more often
        "test:2",
        "test:5",  # beyond the lead only: newest first, however often
        "test:4",
    ]


@pytest.mark.django_db
def test_lead_tier_scores_only_the_newest_window(monkeypatch):
    for name in ("RANK_WINDOW", "POSTGRES_RANK_WINDOW"):
        monkeypatch.setattr(backends, name, 2)
    actions.index_documents(
        documents=[
            _document(1, title="新闻", body="农业农业农业农业。"),  # oldest: outside the window
            _document(2, title="新闻", body="发展农业。"),
            _document(3, title="新闻", body="农业农业。"),
        ]
    )

    keys = [hit.document.key for hit in queries.search("农业").hits]

    assert keys == ["test:3", "test:2", "test:1"]


@pytest.mark.django_db
def test_pages_across_the_tiers_hold_every_match_once():
    actions.index_documents(
        documents=[
            _document(n, title="农业新闻" if n % 4 == 0 else "新闻", body="正文。")
            for n in range(1, 8)
        ]
        + [_document(n, title="新闻", body="农业。" * (n % 3 + 1)) for n in range(8, 15)]
        + [_document(n, title="新闻", body=FILLER + "农业。") for n in range(15, 23)]
    )

    pages = [queries.search("农业", page=page, per_page=3) for page in range(1, 5)]

    keys = [hit.document.key for results in pages for hit in results.hits]
    assert {results.total for results in pages} == {16}
    assert len(keys) == 12
    assert len(set(keys)) == 12
    assert keys[0] == "test:4"  # the title match
    assert {int(key.split(":")[1]) for key in keys[1:8]} == set(range(8, 15))  # lead matches
    assert keys[8:] == ["test:22", "test:21", "test:20", "test:19"]  # the rest, newest first


@pytest.mark.parametrize(
    ("body", "lead"),
    [
        pytest.param("短文。", "短文。", id="short-body-whole"),
        pytest.param("甲" * 199 + "。" + "乙" * 300, "甲" * 199 + "。", id="ends-at-the-200th"),
        pytest.param("甲" * 250 + "。" + "乙" * 300, "甲" * 250 + "。", id="to-the-sentence-end"),
        pytest.param("甲" * 500, "甲" * 400, id="no-sentence-end-capped"),
        pytest.param(
            "甲" * 100 + "。" + "乙" * 150 + "！丙",
            "甲" * 100 + "。" + "乙" * 150 + "！",
            id="exclamation-ends-a-sentence",
        ),
    ],
)
def test_lead_is_the_body_to_the_sentence_end_after_200_characters(body, lead):
    assert backends.lead_text(body) == lead


@pytest.mark.django_db
def test_small_match_set_ranks_every_match_by_relevance(monkeypatch):
    actions.index_documents(
        documents=[
            _document(1, title="新闻一", body="农业。"),
            _document(2, title="新闻二", body="农业农业农业农业。"),
            _document(3, title="农业新闻", body="别的。"),
        ]
    )

    keys = [hit.document.key for hit in queries.search("农业").hits]

    assert keys == ["test:3", "test:2", "test:1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param('"IPv6地址"', True, id="latin-then-chinese-phrase"),
        pytest.param('"热线12316"', True, id="chinese-then-digits-phrase"),
        pytest.param('"址分"', True, id="phrase-inside-a-run"),
        pytest.param('"地址 分配"', True, id="spaces-inside-a-chinese-phrase"),
        pytest.param('"分配IPv6"', False, id="phrase-in-the-wrong-order"),
        pytest.param('"配"', True, id="last-character-of-a-run"),
        pytest.param("配", True, id="one-character-unquoted"),
        pytest.param("罕", False, id="one-character-absent"),
        pytest.param("址分配热", True, id="unknown-word-as-bigram-phrase"),
        pytest.param('"址配"', False, id="quoted-characters-must-be-together"),
    ],
)
def test_phrases_over_character_bigrams(query, found):
    actions.index_documents(
        documents=[_document(1, title="通知", body="完成IPv6地址分配热线12316开通。")]
    )

    assert (queries.search(query).total == 1) is found


@pytest.mark.django_db
def test_index_documents_replaces_by_key_and_last_version_wins():
    actions.index_documents(documents=[_document(1, title="旧标题", body="煤矿")])
    count = actions.index_documents(
        documents=[
            _document(1, title="中间标题", body="煤矿"),
            _document(1, title="新标题", body="农业"),
            _document(2, title="第二篇", body="农业"),
        ]
    )

    assert count == 2
    assert queries.search("煤矿").total == 0
    assert {hit.document.title for hit in queries.search("农业").hits} == {"新标题", "第二篇"}


@pytest.mark.django_db
def test_index_documents_batches_and_reports_progress():
    seen: list[int] = []

    count = actions.index_documents(
        documents=(_document(n, title=f"第{n}篇", body="政务服务") for n in range(7)),
        batch_size=3,
        on_batch=seen.append,
    )

    assert count == 7
    assert seen == [3, 3, 1]
    assert queries.search("政务服务").total == 7


@pytest.mark.django_db
def test_removed_documents_leave_both_indexes():
    actions.index_documents(documents=[_document(1, title="农业标题", body="农业正文")])

    assert actions.remove_document(key="test:1")
    assert queries.search("农业").total == 0


@pytest.mark.django_db
def test_bulk_build_leaves_a_working_index():
    with get_backend().bulk_build():
        actions.index_documents(documents=[_document(1, title="农业标题", body="煤矿")])

    assert queries.search("煤矿").total == 1
    assert queries.search("农业").total == 1


def _full_text_rows() -> int:
    from django.db import connection

    table = (
        backends.POSTGRES_VECTOR_TABLE
        if connection.vendor == "postgresql"
        else backends.SQLITE_FTS_TABLE
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — our own table name
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_documents_deleted_by_a_cascade_leave_no_full_text_rows():
    from wagtail.models import Page, Site

    from zaixian.search.models import SearchDocument

    site = Site.objects.create(hostname="cascade.example.cn", root_page=Page.objects.get(depth=1))
    actions.index_document(
        key="kb:1",
        title="煤矿安全",
        body="正文",
        url="/kb/1/",
        published_at=timezone.now(),
        site=site,
    )
    assert _full_text_rows() == 1

    site.delete()

    assert not SearchDocument.objects.exists()
    assert _full_text_rows() == 0


@pytest.mark.django_db
def test_sweep_removes_rows_whose_document_is_gone():

    from zaixian.search.models import SearchDocument

    actions.index_document(
        key="kb:2", title="农业资讯", body="正文", url="/kb/2/", published_at=timezone.now()
    )
    SearchDocument.objects.all()._raw_delete(SearchDocument.objects.db)  # no signals, like a flush

    actions.remove_orphan_index_rows()

    assert _full_text_rows() == 0


def _sqlite_matches(table: str, expression: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid",  # noqa: S608
            [expression],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_sqlite_count_table_follows_every_write_of_the_full_table():
    from django.db import connection

    from zaixian.search.models import SearchDocument

    if connection.vendor != "sqlite":
        pytest.skip("the position-free count table is SQLite's")
    expressions = ['"农业"', '"煤矿"', '"渔业"', '"标题"', '"农" *']

    def assert_in_step() -> None:
        for expression in expressions:
            full = _sqlite_matches(backends.SQLITE_FTS_TABLE, expression)
            assert _sqlite_matches(backends.SQLITE_COUNT_TABLE, expression) == full, expression

    actions.index_documents(
        documents=[
            _document(1, title="农业标题", body="煤矿安全。"),
            _document(2, title="通知", body="发展现代农业。"),
            _document(3, title="公告", body="煤矿整治。"),
        ]
    )
    assert_in_step()
    assert len(_sqlite_matches(backends.SQLITE_COUNT_TABLE, '"煤矿"')) == 2

    # Re-indexed with other words: the old ones must be gone from the count table too.
    actions.index_documents(documents=[_document(3, title="公告", body="发展渔业。")])
    assert_in_step()
    assert queries.search("煤矿").total == 1
    assert queries.search("渔业").total == 1

    actions.remove_document(key="test:2")
    assert_in_step()
    assert queries.search("农业").total == 1

    SearchDocument.objects.filter(key="test:1")._raw_delete(SearchDocument.objects.db)
    actions.remove_orphan_index_rows()  # what runs after a flush
    assert_in_step()
    assert queries.search("煤矿").total == 0
    assert _sqlite_matches(backends.SQLITE_COUNT_TABLE, '"渔业"') == [
        SearchDocument.objects.get(key="test:3").pk
    ]

    get_backend().clear()
    for expression in expressions:
        assert _sqlite_matches(backends.SQLITE_COUNT_TABLE, expression) == []


@pytest.mark.parametrize(
    ("query", "position_free"),
    [
        pytest.param("农业 煤矿", True, id="dictionary-words"),
        pytest.param("煤", True, id="one-character-prefix"),
        pytest.param("址分配热", True, id="unknown-word-loose-bigrams"),
        pytest.param('"址分配"', False, id="quoted-phrase-needs-positions"),
        pytest.param('农业 "址分配"', False, id="one-phrase-is-enough"),
    ],
)
def test_only_phrases_need_positions(query, position_free):
    from zaixian.search import rules

    assert rules.is_position_free(rules.parse_query(query)) is position_free


@pytest.mark.django_db
def test_a_phrase_is_counted_exactly_although_its_tokens_occur_apart(monkeypatch):
    # Both bigrams of the phrase occur in every document, in a row only in the first: the
    # position-free table would count three, the exact total is one.
    # A window of 1 makes the lead tier find its bound by matching too.
    for name in ("RANK_WINDOW", "POSTGRES_RANK_WINDOW"):
        monkeypatch.setattr(backends, name, 1)
    actions.index_documents(
        documents=[
            _document(1, title="通知", body="地址分配。"),
            _document(2, title="通知", body="地址。址分。"),
            _document(3, title="通知", body="址分。地址。"),
        ]
    )

    results = queries.search('"地址分"')

    assert results.total == 1
    assert [hit.document.key for hit in results.hits] == ["test:1"]
