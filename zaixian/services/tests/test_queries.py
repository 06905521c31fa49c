import pytest

from zaixian.cases import actions as case_actions
from zaixian.cases.tests.factories import make_officer
from zaixian.core.tests.factories import DepartmentFactory
from zaixian.services import actions, queries
from zaixian.services.tests.factories import ApplicationFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_published_items_of_department_include_sub_departments(department):
    office = DepartmentFactory(parent=department)
    own = ServiceItemFactory(department=department)
    sub = ServiceItemFactory(department=office)
    ServiceItemFactory()

    found = set(queries.published_items(department=department))

    assert found == {own, sub}


def test_published_items_search_needs_every_word(department):
    both = ServiceItemFactory(department=department, name="食品经营许可", summary="小餐饮")
    ServiceItemFactory(department=department, name="食品生产许可", summary="")

    assert list(queries.published_items(search="食品 餐饮")) == [both]


def test_published_items_by_audience(department):
    citizens = ServiceItemFactory(department=department, for_citizens=True, for_businesses=False)
    business = ServiceItemFactory(department=department, for_citizens=False, for_businesses=True)

    assert list(queries.published_items(audience="citizen")) == [citizens]
    assert list(queries.published_items(audience="business")) == [business]


def test_application_for_returns_only_own(submitted, citizen, other_citizen):
    assert queries.application_for(user=citizen, pk=submitted.pk) == submitted
    assert queries.application_for(user=other_citizen, pk=submitted.pk) is None


def test_items_editable_by_officer_are_own_departments(item, officer, other_officer):
    assert list(queries.items_editable_by(officer)) == [item]
    assert not queries.items_editable_by(other_officer).exists()
    assert not queries.may_edit_item(user=other_officer, item=item)


def test_platform_admin_edits_every_item(item, other_department):
    admin = make_officer(other_department, roles=("platform_admin",))

    assert queries.may_edit_item(user=admin, item=item)


def test_public_user_edits_no_item(item, citizen):
    assert not queries.items_editable_by(citizen).exists()
    assert not queries.may_add_items(user=citizen)


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_statistics_per_department_and_item(item, citizen, officer):
    for grade in (5, 2, 2):
        application = ApplicationFactory(item=item, applicant=citizen, submitted=True)
        for name in ("accept", "approve", "close"):
            case_actions.transition_case(case=application.case, transition=name, actor=officer)
        actions.rate_service(case=application.case, actor=citizen, grade=grade)

    (department_row,) = queries.rating_statistics_by_department()
    (item_row,) = queries.rating_statistics_by_item()

    assert department_row.counts == (1, 0, 0, 2, 0)
    assert department_row.satisfaction == 33.3
    assert item_row.label == item.name
    assert item_row.total == 3
    assert queries.rating_totals().total == 3


def test_correction_request_note_is_the_latest(submitted, officer):
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="request_correction", actor=officer, note="补充身份证复印件"
    )

    assert queries.correction_request_note(case=case) == "补充身份证复印件"
