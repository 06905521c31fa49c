import csv
import io
import json
import os

import pytest
from django.core.management import CommandError, call_command

from zaixian.analytics.tests.conftest import at, log_line

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("analytics", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "access.log"
    path.write_text(
        log_line("221.204.0.1", at(20, 9), "/")
        + log_line("221.204.0.1", at(20, 9, 5), "/news/")
        + log_line("202.96.128.86", at(21, 9), "/")
    )
    return path


def test_import_logs_then_report_as_json(portal, log):
    printed = run("import-logs", "--site", "www.jc.test", "--no-progress", str(log))

    assert "3 lines, 3 page views" in printed
    rows = json.loads(
        run("report", "--site", "www.jc.test", "--from", "2026-11-20", "--to", "2026-11-22")
    )
    assert rows == [
        {"day": "2026-11-20", "page_views": 2, "visits": 1, "visitors": 1},
        {"day": "2026-11-21", "page_views": 1, "visits": 1, "visitors": 1},
        {"day": "2026-11-22", "page_views": 0, "visits": 0, "visitors": 0},
    ]


def test_second_import_of_the_same_file_counts_nothing(portal, log):
    run("import-logs", "--site", "www.jc.test", "--no-progress", str(log))

    printed = run("import-logs", "--site", "www.jc.test", "--no-progress", str(log))

    assert "already imported" in printed
    rows = json.loads(
        run("report", "--site", "www.jc.test", "--from", "2026-11-20", "--to", "2026-11-20")
    )
    assert rows[0]["page_views"] == 2


def test_import_with_parser_processes(portal, log):
    printed = run(
        "import-logs", "--site", "www.jc.test", "--no-progress", "--workers", "2", str(log)
    )

    assert "3 lines, 3 page views" in printed


def test_report_as_csv(portal, log):
    run("import-logs", "--site", "www.jc.test", "--no-progress", str(log))

    printed = run(
        "report",
        "--site",
        "www.jc.test",
        "--from",
        "2026-11-20",
        "--to",
        "2026-11-21",
        "--format",
        "csv",
    )

    assert list(csv.reader(io.StringIO(printed))) == [
        ["day", "page_views", "visits", "visitors"],
        ["2026-11-20", "2", "1", "1"],
        ["2026-11-21", "1", "1", "1"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import-logs", "--site", "nowhere.test", "x.log"], "No site"),
        (["import-logs", "--site", "www.jc.test", "/nonexistent.log"], "No such file"),
        (["import-logs", "--site", "www.jc.test", "--log-format", "$status", "x"], "needs"),
        (["report", "--from", "2026-11-20", "--to", "yesterday"], "Not a date"),
        (["report", "--from", "2026-11-20", "--to", "2026-11-01"], "ends before"),
    ],
)
def test_bad_arguments_are_explained(portal, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_import_logs_uses_two_parser_processes_by_default():
    from zaixian.analytics.management.commands.analytics import Command

    parser = Command().create_parser("zaixian", "analytics")
    options = parser.parse_args(["import-logs", "--site", "www.jc.test", "access.log"])

    assert options.workers == min(2, os.cpu_count() or 1)
