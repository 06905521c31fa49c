"""Pure rules: index numbers, the Article 26 period, metadata checks and the catalogue filter."""

from __future__ import annotations

import datetime as dt

import pytest

from zaixian.disclosure import rules

TODAY = dt.date(2026, 6, 1)


def test_publication_period_is_twenty_working_days():
    assert rules.PUBLICATION_PERIOD_WORKING_DAYS == 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11140500MB1953221F-01-2026-0001", ("11140500MB1953221F", "01", 2026, 1)),
        ("JCJYJ-23-2025-0420", ("JCJYJ", "23", 2025, 420)),
        ("JC-07-2012-123456", ("JC", "07", 2012, 123456)),
        ("  JCJYJ-01-2026-0001 ", ("JCJYJ", "01", 2026, 1)),
    ],
)
def test_parse_index_number_accepts_the_four_parts(text, expected):
    parsed = rules.parse_index_number(text)

    assert (parsed.organisation, parsed.category, parsed.year, parsed.sequence) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "JCJYJ-01-2026",
        "JCJYJ-1-2026-0001",
        "jcjyj-01-2026-0001",
        "JCJYJ-01-26-0001",
        "JCJYJ-01-2026-001",
        "JCJYJ-01-2026-0000",
        "JCJYJ-01-1900-0001",
        "JCJYJ_01_2026_0001",
        "J-01-2026-0001",
        "JCJYJ-01-2026-0001-1",
        "ＪＣＪＹＪ-01-2026-0001",
    ],
)
def test_parse_index_number_rejects_malformed_text(text):
    with pytest.raises(rules.MalformedIndexNumberError):
        rules.parse_index_number(text)


def test_format_index_number_pads_the_sequence_to_four_digits():
    assert (
        rules.format_index_number(organisation="JCJYJ", category="01", year=2026, sequence=7)
        == "JCJYJ-01-2026-0007"
    )


def test_format_index_number_rejects_sequence_zero():
    with pytest.raises(ValueError, match="out of range"):
        rules.format_index_number(organisation="JCJYJ", category="01", year=2026, sequence=0)


@pytest.mark.parametrize(
    ("publish_date", "deadline", "late", "days"),
    [
        (dt.date(2026, 3, 30), dt.date(2026, 3, 30), False, 0),
        (dt.date(2026, 3, 31), dt.date(2026, 3, 30), True, 1),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 30), False, 0),
        (None, dt.date(2026, 3, 30), False, 0),
        (dt.date(2026, 3, 31), None, False, 0),
    ],
)
def test_publication_is_late_only_after_the_deadline(publish_date, deadline, late, days):
    assert rules.is_published_late(publish_date=publish_date, deadline=deadline) is late
    assert rules.days_late(publish_date=publish_date, deadline=deadline) == days


def _errors(**overrides):
    values = {
        "date_written": dt.date(2026, 5, 1),
        "publish_date": dt.date(2026, 5, 6),
        "today": TODAY,
        "validity": "valid",
        "validity_changed_on": None,
        "genre": "notice",
        "document_number": "",
        "is_interpretation": False,
        "policy_count": 0,
    }
    values.update(overrides)
    return rules.item_metadata_errors(**values)


def test_consistent_metadata_has_no_errors():
    assert _errors() == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_written": dt.date(2026, 6, 2)}, "date_written"),
        ({"publish_date": dt.date(2026, 4, 30)}, "publish_date"),
        ({"publish_date": dt.date(2026, 6, 2)}, "publish_date"),
        ({"validity": "repealed"}, "validity_changed_on"),
        ({"validity_changed_on": dt.date(2026, 5, 20)}, "validity_changed_on"),
        (
            {"validity": "invalid", "validity_changed_on": dt.date(2026, 4, 1)},
            "validity_changed_on",
        ),
        ({"genre": "normative"}, "document_number"),
        ({"genre": "rule", "document_number": "   "}, "document_number"),
        ({"is_interpretation": True}, "category"),
        ({"policy_count": 1}, "category"),
    ],
)
def test_inconsistent_metadata_is_an_error_on_its_field(overrides, field):
    assert field in _errors(**overrides)


def test_normative_document_with_number_and_repeal_date_is_accepted():
    assert (
        _errors(
            genre="normative",
            document_number="晋市政发〔2026〕3号",
            validity="repealed",
            validity_changed_on=dt.date(2026, 5, 20),
        )
        == {}
    )


def test_index_number_errors_names_the_expected_organisation_and_category():
    assert (
        rules.index_number_errors("JCJYJ-01-2026-0001", organisation="JCJYJ", category="01") == []
    )
    wrong_org = rules.index_number_errors("JCCZJ-01-2026-0001", organisation="JCJYJ", category="01")
    wrong_category = rules.index_number_errors(
        "JCJYJ-07-2026-0001", organisation="JCJYJ", category="01"
    )
    malformed = rules.index_number_errors("0001", organisation="JCJYJ", category="01")

    assert len(wrong_org) == 1
    assert "JCJYJ" in wrong_org[0]
    assert len(wrong_category) == 1
    assert "01" in wrong_category[0]
    assert "JCJYJ-01-2026-0001" in malformed[0]


VALIDITIES = {"valid", "invalid", "repealed"}


def test_catalogue_filter_reads_every_parameter():
    item_filter = rules.parse_catalogue_filter(
        {
            "q": "  教育   收费 ",
            "category": "08",
            "year": "2026",
            "validity": "valid",
            "organisation": "jcjyj",
        },
        validity_choices=VALIDITIES,
    )

    assert item_filter == rules.CatalogueFilter(
        search="教育 收费", category="08", year=2026, validity="valid", organisation="JCJYJ"
    )
    assert item_filter.is_filtered


@pytest.mark.parametrize(
    "params",
    [
        {"category": "8'--"},
        {"year": "twenty"},
        {"year": "20260"},
        {"validity": "maybe"},
        {"organisation": "<script>"},
    ],
)
def test_catalogue_filter_drops_a_bad_parameter_with_an_error(params):
    item_filter = rules.parse_catalogue_filter(params, validity_choices=VALIDITIES)

    assert len(item_filter.errors) == 1
    assert not item_filter.is_filtered


def test_catalogue_filter_cuts_overlong_search_text():
    item_filter = rules.parse_catalogue_filter({"q": "字" * 500}, validity_choices=VALIDITIES)

    assert len(item_filter.search) == rules.MAX_SEARCH_LENGTH
    assert item_filter.errors == ()
