"""Factories of the hotline's tests."""

import factory

from zaixian.hotline.models import HotlineCategory, KnowledgeEntry


class HotlineCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotlineCategory
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"category-{n}")
    group = "城市管理"


class KnowledgeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeEntry

    question = "如何办理居住证？"
    answer = "携带身份证到户籍所在地派出所办理。"
