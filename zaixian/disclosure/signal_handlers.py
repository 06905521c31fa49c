"""Wagtail's page events that disclosure follows: a published item without a publish date
takes the day of its first publication."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published

from zaixian.disclosure import actions
from zaixian.disclosure.models import DisclosureItemPage


def record_publication(sender: type, instance: Any, **kwargs: Any) -> None:
    actions.record_item_publication(item=instance)


def connect() -> None:
    page_published.connect(
        record_publication, sender=DisclosureItemPage, dispatch_uid="disclosure_record_publication"
    )
