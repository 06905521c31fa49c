"""On the same generated log, page views and unique visitors per day equal what GoAccess
(the Debian package) reports, told to leave out what we count apart: crawlers, static
files, redirects and errors."""

import json
import shutil
import subprocess
from datetime import date

import pytest

from zaixian.analytics import actions, reports
from zaixian.analytics.tests.loggen import generate_log

pytestmark = pytest.mark.django_db


def goaccess_days(path):
    binary = shutil.which("goaccess")
    if binary is None:
        pytest.skip("GoAccess is not installed (scripts/system-deps.sh installs it on Debian)")
    result = subprocess.run(
        [
            binary,
            str(path),
            "--log-format=COMBINED",
            "--ignore-crawlers",
            # GoAccess's static extensions live in its global config, which is left out.
            "--ignore-statics=panel",
            "--static-file=.css",
            "--static-file=.js",
            "--static-file=.jpg",
            "--ignore-status=301",
            "--ignore-status=404",
            "--ignore-status=500",
            "--no-global-config",
            "-o",
            "json",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    panel = json.loads(result.stdout)["visitors"]["data"]
    return {
        f"{row['data'][:4]}-{row['data'][4:6]}-{row['data'][6:]}": (
            row["hits"]["count"],
            row["visitors"]["count"],
        )
        for row in panel
    }


def test_daily_page_views_and_visitors_equal_goaccess(portal, tmp_path):
    path = tmp_path / "access.log"
    path.write_text("".join(generate_log(lines=6000, addresses=900, seed=7)))
    expected = goaccess_days(path)

    actions.import_log_file(site=portal, path=path)

    days = reports.daily_figures(
        sites=[portal], period=reports.Period(date(2026, 11, 20), date(2026, 11, 22))
    )
    ours = {row.day.isoformat(): (row.totals.page_views, row.totals.visitors) for row in days}
    assert ours == expected
    assert len(expected) == 3
