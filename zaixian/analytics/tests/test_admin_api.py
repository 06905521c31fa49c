import io

import pytest
from openpyxl import load_workbook

from zaixian.analytics import actions
from zaixian.analytics.tests.conftest import at, log_line

pytestmark = pytest.mark.django_db

QUERY = {"start": "2026-11-20", "end": "2026-11-21"}


@pytest.fixture
def figures(portal, farm, tmp_path):
    a = tmp_path / "a.log"
    a.write_text(log_line("221.204.0.1", at(20, 9), "/") + log_line("8.8.8.8", at(21, 9), "/a/"))
    b = tmp_path / "b.log"
    b.write_text(log_line("202.96.128.86", at(20, 9), "/nyj/"))
    actions.import_log_file(site=portal, path=a)
    actions.import_log_file(site=farm, path=b)


def test_leader_sees_the_group_report_with_charts(client, leader, figures):
    client.force_login(leader)

    response = client.get("/admin/analytics/", QUERY)

    assert response.status_code == 200
    assert response.context["report"].totals.page_views == 3
    content = response.content.decode()
    assert "<svg" in content
    assert "山西" in content
    assert "广东" in content
    # The tile map of China: every region has its square, the two with visits are shaded.
    tiles = {tile.name: tile for tile in response.context["province_tiles"]}
    assert len(tiles) == 34
    assert (tiles["山西"].count, tiles["广东"].count, tiles["西藏"].count) == (1, 1, 0)
    assert tiles["山西"].shade != tiles["西藏"].shade
    # The tile map of the world: China's and the United States' squares shaded, with titles.
    countries = {tile.code: tile for tile in response.context["country_tiles"]}
    assert (countries["CN"].count, countries["US"].count, countries["FR"].count) == (2, 1, 0)
    assert countries["CN"].shade != countries["FR"].shade
    assert 'aria-labelledby="world-map-title world-map-desc"' in content
    assert "<title>CN: 2 (66.7%)</title>" in content


def test_site_administrator_sees_their_site_only(client, farm_admin, farm, portal, figures):
    client.force_login(farm_admin)

    response = client.get("/admin/analytics/", QUERY)
    other = client.get("/admin/analytics/", {**QUERY, "site": portal.pk})

    assert response.context["report"].totals.page_views == 1
    assert other.status_code == 200
    assert other.context["filter_form"].errors  # not a choice: the user's own sites shown
    assert other.context["report"].sites == [farm]


def test_editor_is_refused(client, editor, figures):
    client.force_login(editor)

    assert client.get("/admin/analytics/", QUERY).status_code in (302, 403)


def test_bad_period_falls_back_with_a_message(client, leader, figures):
    client.force_login(leader)

    response = client.get("/admin/analytics/", {"start": "2026-11-21", "end": "2026-11-01"})

    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_csv_and_xlsx_exports(client, leader, figures):
    client.force_login(leader)

    csv_text = client.get("/admin/analytics/export.csv", QUERY).content.decode()
    xlsx = client.get("/admin/analytics/export.xlsx", QUERY)

    assert csv_text.splitlines()[1].startswith("2026-11-20,2,2,2,2,0")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0].cell(row=2, column=2).value == 2
    assert len(book.worksheets) > 10


def test_api_report_for_a_site(client, farm_admin, figures):
    client.force_login(farm_admin)

    response = client.get("/api/v1/analytics/report", {**QUERY, "site": "nyj.jc.test"})

    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["page_views"] == 1
    assert body["dimensions"]["province"] == [{"value": "广东", "count": 1, "share": 100.0}]


@pytest.mark.parametrize(
    ("user", "params", "status"),
    [
        (None, QUERY, 401),
        ("farm_admin", {**QUERY, "site": "www.jc.test"}, 403),
        ("editor", QUERY, 403),
        ("farm_admin", {**QUERY, "site": "nowhere.test"}, 404),
        ("farm_admin", {"start": "2026-11-21", "end": "2026-11-01"}, 400),
        ("farm_admin", {"start": "yesterday", "end": "2026-11-01"}, 422),
    ],
)
def test_api_refusals(client, request, figures, user, params, status):
    if user:
        client.force_login(request.getfixturevalue(user))

    response = client.get("/api/v1/analytics/report", params)

    assert response.status_code == status
    assert response.json()["detail"]


def test_api_years_and_real_time(client, leader, figures):
    client.force_login(leader)

    years = client.get("/api/v1/analytics/years").json()
    now = client.get("/api/v1/analytics/realtime").json()

    assert years == [{"year": 2026, "page_views": 3, "visitors": 3, "visits": 3}]
    assert now["visitors"] == 0
