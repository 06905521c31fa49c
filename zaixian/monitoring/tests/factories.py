"""Factories of the monitoring engine's tests."""

import factory

from zaixian.monitoring.models import Source, SourceCollection


class SourceCollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceCollection
        django_get_or_create = ("slug",)

    name = "地方媒体"
    slug = "local-media"
    weight = 1.0


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"来源{n}")
    outlet = factory.Sequence(lambda n: f"媒体{n}")
    kind = Source.Kind.FEED
    url = "http://127.0.0.1:9/feed.xml"
    collection = factory.SubFactory(SourceCollectionFactory)

    class Params:
        failing = factory.Trait(consecutive_errors=3, last_error="The server answered HTTP 404.")
