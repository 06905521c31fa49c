"""Builders for disclosure tests. Items are Wagtail pages inserted with ``add_child``, so they
are made through ``actions.create_disclosure_item`` (the same path as scripts and the demo),
not factory_boy; ``make_item`` fills sensible defaults and names its legal states."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from zaixian.core.workdays import add_working_days
from zaixian.disclosure import actions, rules
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureItemPage,
)

_counter = itertools.count(1)


def category(code: str = "01") -> DisclosureCategory:
    return DisclosureCategory.objects.get(code=code)


def make_item(
    *,
    catalogue: DisclosureCataloguePage,
    late: bool = False,
    repealed: bool = False,
    date_written: dt.date | None = None,
    publish_date: dt.date | None = None,
    category_code: str = "01",
    **fields: Any,
) -> DisclosureItemPage:
    """A published item. ``late=True``: published one working day after the Article 26
    deadline; ``repealed=True``: a repealed normative document."""
    number = next(_counter)
    date_written = date_written or dt.date(2026, 3, 2)
    if publish_date is None:
        deadline = add_working_days(date_written, rules.PUBLICATION_PERIOD_WORKING_DAYS)
        publish_date = add_working_days(deadline, 1) if late else date_written
    values: dict[str, Any] = {
        "title": f"关于做好第{number}项工作的通知",
        "summary": "通知的主要内容。",
        "genre": DisclosureItemPage.Genre.NOTICE,
    }
    if repealed:
        values.update(
            genre=DisclosureItemPage.Genre.NORMATIVE,
            document_number=f"晋市政发〔{date_written.year}〕{number}号",
            validity=DisclosureItemPage.Validity.REPEALED,
            validity_changed_on=publish_date,
        )
    values.update(fields)
    return actions.create_disclosure_item(
        catalogue=catalogue,
        category=category(category_code),
        date_written=date_written,
        publish_date=publish_date,
        **values,
    )
