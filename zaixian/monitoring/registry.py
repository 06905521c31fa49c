"""Modules built on the monitoring engine register here what they do with new items.

The opinion watch registers its processing (topics, events, reprints) in its ``AppConfig.ready``;
``actions.ingest_drafts`` calls every consumer with the ids of the items it created, in the same
transaction, so an item is never stored without its module's processing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

ItemConsumer = Callable[[Sequence[int]], None]

_consumers: dict[str, ItemConsumer] = {}


def register_item_consumer(name: str, consumer: ItemConsumer) -> None:
    """Register (or replace) the consumer called ``name``."""
    _consumers[name] = consumer


def item_consumers() -> list[ItemConsumer]:
    return list(_consumers.values())
