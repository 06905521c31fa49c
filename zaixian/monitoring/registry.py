"""Modules built on the monitoring engine register here what they do with new items.

The opinion watch registers its processing (topics, events, reprints) in its ``AppConfig.ready``;
``actions.ingest_drafts`` calls every consumer with the ids of the items it created, in the same
transaction, so an item is never stored without its module's processing.

A module also registers which items the engine's pruning must keep (an item keeper: a
queryset of ``Item`` primary keys), so the engine deletes old items without knowing why a
module still needs some of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

ItemConsumer = Callable[[Sequence[int]], None]
ItemKeeper = Callable[[], Any]  # returns a queryset of the Item pks to keep

_consumers: dict[str, ItemConsumer] = {}
_keepers: dict[str, ItemKeeper] = {}


def register_item_consumer(name: str, consumer: ItemConsumer) -> None:
    """Register (or replace) the consumer called ``name``."""
    _consumers[name] = consumer


def item_consumers() -> list[ItemConsumer]:
    return list(_consumers.values())


def register_item_keeper(name: str, keeper: ItemKeeper) -> None:
    """Register (or replace) the keeper called ``name``."""
    _keepers[name] = keeper


def item_keepers() -> list[ItemKeeper]:
    return list(_keepers.values())
