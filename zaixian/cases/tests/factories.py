import factory

from zaixian.cases.models import Case
from zaixian.core.tests.factories import DepartmentFactory, UserFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A freshly submitted case of the engine's test type (see conftest.PERMIT)."""

    class Meta:
        model = Case

    case_type = "cases_test.permit"
    tracking_number = factory.Sequence(lambda n: f"TEST{n:08d}")
    title = factory.Sequence(lambda n: f"测试办件{n}")
    state = "submitted"
    department = factory.SubFactory(DepartmentFactory)
    applicant = factory.SubFactory(UserFactory)
    applicant_name = "张三"
    applicant_phone = "13800138000"
    applicant_email = "zhangsan@example.com"
    statutory_days = 20
    promised_days = 10


def make_officer(department, *, roles=("case_officer",), **kwargs):
    """An active staff user of ``department`` holding ``roles``."""
    from zaixian.core.actions import assign_user
    from zaixian.core.roles import Role

    user = UserFactory(is_staff=True, **kwargs)
    return assign_user(user=user, department=department, roles=[Role(r) for r in roles])
