import factory
from django.contrib.auth import get_user_model

from zaixian.core.models import CalendarDay, Department, HolidaySchedule


class DepartmentFactory(factory.django.DjangoModelFactory):
    """A department under the municipal government (created as a root when ``parent`` is None)."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试局{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")
    kind = Department.Kind.BUREAU

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        node = model_class(**kwargs)
        if parent is None:
            return model_class.add_root(instance=node)
        return parent.add_child(instance=node)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"三{n}")
    is_staff = False
    password = factory.PostGenerationMethodCall("set_password", "password")

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 — factory_boy hook signature
        if create:
            obj.save()


class HolidayScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidaySchedule
        django_get_or_create = ("year",)

    year = 2027
    notice = "国办发明电〔2026〕1号"
    is_complete = True


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    schedule = factory.SubFactory(HolidayScheduleFactory, year=factory.SelfAttribute("..date.year"))
    kind = CalendarDay.Kind.HOLIDAY
    name = "国庆节"
