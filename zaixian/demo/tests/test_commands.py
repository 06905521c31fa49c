"""The two commands, as a newcomer and a benchmark script call them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zaixian.demo import actions, queries, service_seed
from zaixian.demo.seed import DEMO_PASSWORD, DEPARTMENT_TREE
from zaixian.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_load_demo_small_prints_the_accounts_each_time():
    first = run("load_demo", "--small")
    second = run("load_demo")

    for output in (first, second):
        assert "reviewer3" in output
        assert "nongwang_editor" in output
        assert "scjg_officer" in output
        assert DEMO_PASSWORD in output
        # The citizen's and the business's accounts, with the mobile numbers they log in with.
        assert "citizen" in output
        assert "13903565678" in output
        assert "/accounts/login/" in output
    assert "用户名" in first
    assert "服务事项" in first
    assert ArticlePage.objects.count() >= 31


@pytest.mark.parametrize("count", ["0", "-3", "200001"])
def test_generate_articles_refuses_a_count_out_of_range(count):
    with pytest.raises(CommandError, match="200000"):
        run("generate_articles", "--count", count)


def test_generate_articles_refuses_an_unknown_site():
    with pytest.raises(CommandError, match=r"no-such\.example"):
        run("generate_articles", "--count", "5", "--site", "no-such.example")


def test_generate_articles_needs_the_demo_city():
    with pytest.raises(CommandError):
        run("generate_articles", "--count", "5")


def test_the_service_hall_is_loaded_once_even_before_the_city():
    departments = actions.create_demo_departments(spec=DEPARTMENT_TREE)
    assert not queries.is_service_hall_loaded()

    hall = actions.load_service_hall()
    before = actions.demo_counts()
    summary = actions.load_demo(article_scale=0.02)
    after = actions.demo_counts()

    assert queries.is_service_hall_loaded()
    assert hall.items == len(service_seed.ITEMS)
    assert hall.cases >= 2300
    assert not summary.service_hall_created
    for name in ("service_items", "applications", "cases", "case_events", "ratings"):
        assert after[name] == before[name], name
    assert len(departments) == after["departments"]
