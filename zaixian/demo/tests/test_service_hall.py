"""The demo's service hall as ``load_demo`` builds it (loaded once per module, see conftest):
the catalogue, the accounts, and a history of cases that is what the actions would write."""

from collections import Counter
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from zaixian.accounts.models import PublicProfile
from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case, CaseEvent
from zaixian.core.uploads import check_upload
from zaixian.core.validators import validate_credit_code, validate_resident_id
from zaixian.core.workdays import add_working_days, is_working_day
from zaixian.demo import actions, queries, rules, service_seed
from zaixian.demo.seed import DEMO_PASSWORD
from zaixian.services.models import (
    Application,
    ApplicationMaterial,
    DecisionDocument,
    ServiceFormField,
    ServiceItem,
    ServiceRating,
)

pytestmark = pytest.mark.django_db

APPLICATION = "services.application"
FOLLOW_UP = "services.rating_follow_up"
CLOCK_FIELDS = (
    "state",
    "is_closed",
    "version",
    "clock_started_on",
    "suspended_since",
    "suspended_days",
    "extended_days",
    "due_on",
    "statutory_due_on",
    "finished_on",
    "is_on_time",
)


def test_catalogue_spans_departments_kinds_and_every_form_field_type(demo_city):
    items = ServiceItem.objects.select_related("department")

    assert items.count() == len(service_seed.ITEMS)
    assert len({item.department.code for item in items}) >= 6
    assert {item.kind for item in items} >= {"licence", "payment", "confirmation", "public_service"}
    assert set(ServiceFormField.objects.values_list("field_type", flat=True)) == set(
        ServiceFormField.FieldType.values
    )
    online = [item for item in items if item.accepts_online]
    assert len(online) == 12
    for item in items:
        assert all((item.legal_basis, item.conditions, item.venue, item.consultation_phone))
        assert item.materials.exists(), item.name
        assert item.faqs.exists(), item.name
        assert item.life_events.exists(), item.name
        assert item.topics.exists(), item.name
    assert not ServiceItem.objects.get(code="140500-GG-0202").accepts_online


def test_material_templates_are_real_pdf_and_word_documents(demo_city):
    kinds = Counter()
    for item in ServiceItem.objects.all():
        for material in item.materials.exclude(template=None).select_related("template"):
            with material.template.file.open("rb") as handle:
                upload = ContentFile(handle.read(), name=material.template.filename)

            kinds[check_upload(upload).kind.extension] += 1

    assert kinds["pdf"] >= 2
    assert kinds["docx"] >= 2


def test_cases_in_every_state(demo_city):
    counts = Counter(
        Case.objects.filter(case_type=APPLICATION).values_list("state", flat=True).iterator()
    )

    for state, target in rules.CASE_STATE_COUNTS.items():
        assert counts[state] >= target * 0.8, (state, counts[state])
    assert sum(counts.values()) >= 2300
    assert Application.objects.filter(case__isnull=False).count() == sum(counts.values())


def test_open_cases_include_overdue_and_due_soon(demo_city):
    today = timezone.localdate()
    running = Case.objects.filter(case_type=APPLICATION, is_closed=False)

    assert running.overdue(on=today).count() >= 10
    assert running.due_soon(on=today, warning_from=add_working_days(today, 2)).count() >= 10
    assert running.filter(suspended_since__isnull=False).count() >= 100
    assert running.filter(assignee__isnull=False).count() >= 100


def test_history_spans_fourteen_months_on_working_days_in_office_hours(demo_city):
    cases = Case.objects.filter(case_type=APPLICATION, applicant__username__startswith="jc-")
    times = [timezone.localtime(at) for at in cases.values_list("submitted_at", flat=True)]

    assert (max(times) - min(times)).days >= 360
    assert all(is_working_day(moment.date()) for moment in times)
    assert all(time(8, 0) <= moment.time() <= time(18, 0) for moment in times)
    months = Counter((moment.year, moment.month) for moment in times)
    assert len(months) >= 13


def test_each_case_history_leads_to_its_state(demo_city):
    cases = Case.objects.filter(case_type=APPLICATION).prefetch_related("events")

    for case in cases:
        events = list(case.events.all())
        changes = [event for event in events if event.transition not in {"created", "assigned"}]
        assert events[0].transition == "created"
        assert case.version == len(changes), case.tracking_number
        assert (changes[-1].to_state if changes else "submitted") == case.state
        assert events == sorted(events, key=lambda event: event.at)


def test_every_decision_is_numbered_once_per_department_and_year(demo_city):
    decided = Case.objects.filter(
        case_type=APPLICATION, events__transition__in=["approve", "deny"]
    ).distinct()

    assert DecisionDocument.objects.count() == decided.count()
    duplicates = (
        DecisionDocument.objects.values("department", "year", "serial")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    document = DecisionDocument.objects.filter(kind="denial").select_related("department").first()
    assert document.number.startswith(f"{document.department.short_name}不许字〔{document.year}〕")


def test_bad_ratings_have_follow_up_cases(demo_city):
    ratings = ServiceRating.objects.select_related("follow_up", "case")
    bad = ratings.filter(grade__lte=2)

    assert ratings.count() >= 800
    assert bad.count() >= 20
    assert not bad.filter(follow_up=None).exists()
    assert not ratings.filter(grade__gte=3).exclude(follow_up=None).exists()
    assert not ratings.exclude(case__state="closed").exists()
    for rating in bad[:20]:
        assert rating.follow_up.case_type == FOLLOW_UP
        assert rating.follow_up.department_id == rating.case.department_id
        assert rating.follow_up.clock_started_on == timezone.localtime(rating.created_at).date()


def test_materials_are_stored_with_the_application_and_the_case(demo_city):
    application = (
        Application.objects.filter(item__code="140500-XK-0103", case__isnull=False)
        .select_related("case")
        .first()
    )
    stored = ApplicationMaterial.objects.filter(application=application)

    required = application.item.materials.filter(is_required=True).count()
    assert stored.count() == required + 1  # the floor plan of the form
    assert application.case.attachments.count() == stored.count()
    with stored.first().file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def _replay(case: Case) -> Case:
    """The same application through the real engine: create_case, then every transition
    with the day it happened (``today=``)."""
    replayed = case_actions.create_case(
        case_type=case.case_type,
        department=case.department,
        title=case.title,
        applicant=case.applicant,
        applicant_name=case.applicant_name,
        statutory_days=case.statutory_days,
        promised_days=case.promised_days,
        submitted_at=case.submitted_at,
    )
    for event in CaseEvent.objects.filter(case=case).exclude(
        transition__in=["created", "assigned"]
    ):
        case_actions.transition_case(
            case=replayed,
            transition=event.transition,
            actor=event.actor,
            note=event.note or "-",
            extend_days=10 if event.transition == "extend" else 0,
            today=timezone.localtime(event.at).date(),
        )
    replayed.refresh_from_db()
    return replayed


@pytest.mark.parametrize(
    ("state", "transitions"),
    [
        ("closed", {"request_correction", "correct", "deny"}),
        ("accepted", {"request_correction", "correct"}),
        ("correction", set()),
        ("withdrawn", set()),
        ("not_accepted", set()),
    ],
)
def test_bulk_cases_hold_what_the_engine_computes(demo_city, state, transitions):
    candidates = Case.objects.filter(case_type=APPLICATION, state=state).exclude(
        applicant__username__in=[spec.username for spec in service_seed.PUBLIC_ACCOUNTS]
    )
    for transition in transitions:
        candidates = candidates.filter(
            pk__in=CaseEvent.objects.filter(transition=transition).values("case")
        )
    case = candidates.order_by("pk").first()
    assert case is not None

    replayed = _replay(case)

    assert {f: getattr(replayed, f) for f in CLOCK_FIELDS} == {
        f: getattr(case, f) for f in CLOCK_FIELDS
    }


def test_public_accounts_are_verified_with_valid_numbers(demo_city):
    profiles = PublicProfile.objects.all()

    assert profiles.count() >= 200
    assert not profiles.filter(phone_verified_at=None, email_verified_at=None).exists()
    for profile in profiles:
        if profile.kind == PublicProfile.Kind.CITIZEN:
            validate_resident_id(profile.resident_id)
        else:
            validate_credit_code(profile.credit_code)


def test_invalid_check_characters_are_refused_by_the_validators():
    citizen = rules.resident_id(division="140502", birth="19880512", sequence="031")
    wrong = citizen[:-1] + ("1" if citizen[-1] != "1" else "2")

    with pytest.raises(ValidationError):
        validate_resident_id(wrong)


@pytest.mark.parametrize("username", ["citizen", "business"])
def test_demo_public_accounts_log_in_on_the_public_site(demo_city, client, username):
    profile = PublicProfile.objects.get(user__username=username)

    response = client.post(
        "/accounts/login/", {"username": profile.mobile_phone, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(profile.user_id)


@pytest.mark.parametrize("spec", service_seed.OFFICERS, ids=lambda spec: spec.username)
def test_case_officers_log_in_and_see_their_worklist(demo_city, client, spec):
    assert client.login(username=spec.username, password=DEMO_PASSWORD)

    response = client.get("/admin/cases/")

    assert response.status_code == 200
    assert Case.objects.filter(department__code=spec.department_code).exists()


def test_pool_applicants_cannot_log_in(demo_city, client):
    profile = PublicProfile.objects.filter(user__username__startswith="jc-").first()

    assert not client.login(username=profile.user.username, password=DEMO_PASSWORD)


def test_the_citizen_has_a_case_to_correct_one_to_rate_and_a_draft(demo_city):
    applications = Application.objects.filter(applicant__username="citizen").select_related("case")
    states = Counter(a.case.state if a.case else "draft" for a in applications)

    assert states == {"closed": 1, "correction": 1, "submitted": 1, "draft": 1}
    closed = next(a.case for a in applications if a.case and a.case.state == "closed")
    assert not ServiceRating.objects.filter(case=closed).exists()  # left for the visitor
    decision = DecisionDocument.objects.filter(case=closed).first()
    if decision is not None:  # rendered where WeasyPrint and a CJK font are installed
        with decision.attachment.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_the_business_bad_rating_opened_a_follow_up_case(demo_city):
    rated = ServiceRating.objects.filter(case__applicant__username="business").first()

    if rated is None:
        pytest.skip("no PDF renderer here, so the business case was not decided")
    assert rated.grade == 2
    assert rated.follow_up.state == "open"


def test_a_second_load_adds_nothing(demo_city):
    before = actions.demo_counts()

    summary = actions.load_demo()

    assert actions.demo_counts() == before
    assert not summary.created
    assert not summary.service_hall_created
    assert queries.is_service_hall_loaded()


def test_demo_leader_overviews_every_department(demo_city):
    from django.contrib.auth import get_user_model

    from zaixian.cases.queries import deadline_overview

    leader = get_user_model().objects.get(username="leader")

    departments = {row.department.code for row in deadline_overview(user=leader)}

    assert len(departments) >= 7
