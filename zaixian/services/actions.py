"""Every write of the service hall: drafts, materials, submission onto the case engine,
corrections, the decision document, ratings and their follow-up cases.

Errors a person can act on are ``ApplicationError`` subclasses whose ``str()`` is the message
to show; bad files raise Django's ``ValidationError`` (from ``core.uploads``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case, CaseEvent
from zaixian.core import uploads
from zaixian.services import documents, reports
from zaixian.services.application_form import ApplicationForm
from zaixian.services.models import (
    Application,
    ApplicationMaterial,
    DecisionDocument,
    MonthlyFigures,
    ServiceFormField,
    ServiceItem,
    ServiceMaterial,
    ServiceRating,
    StatisticsMonth,
)
from zaixian.services.queries import APPLICATION_CASE_TYPE, RATING_FOLLOW_UP_CASE_TYPE
from zaixian.services.rules import (
    CORRECTION_STATE,
    MATERIAL_EXTENSIONS,
    MATERIAL_MAX_BYTES,
    RATEABLE_STATES,
    decision_number,
    is_bad_grade,
)

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refused operation of the service hall; ``str()`` is a message for the person."""

    default_message: Any = _("This is not possible.")

    def __init__(self, message: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class ItemNotOnlineError(ApplicationError):
    default_message = _("This service cannot be applied for online.")


class NotPublicUserError(ApplicationError):
    default_message = _(
        "Applications are made with a citizen's or business account. Staff accounts cannot "
        "apply; please log in with your personal or business account."
    )


class NotApplicantError(ApplicationError):
    default_message = _("This application is not yours.")


class ApplicationNotEditableError(ApplicationError):
    default_message = _(
        "This application can no longer be changed: it has been submitted and the office is "
        "not waiting for corrections."
    )


class MaterialNotOfItemError(ApplicationError):
    default_message = _("This material does not belong to this service. Reload the page.")


class ApplicationInvalidError(ApplicationError):
    """The form or the required materials are incomplete; ``errors`` maps a field key (or
    ``material_<id>``, or ``__all__``) to messages."""

    default_message = _("The application is incomplete. Please correct the fields marked.")

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__()
        self.errors: dict[str, list[str]] = {key: list(value) for key, value in errors.items()}


class RatingNotAllowedError(ApplicationError):
    default_message = _("You can rate a service once, after your case has been closed.")


class AlreadyRatedError(RatingNotAllowedError):
    default_message = _("You have already rated this service.")


class DecisionDocumentError(case_actions.CaseError):
    """Raised inside a transition, so the decision is not recorded without its document."""

    default_message = _(
        "The decision document could not be produced, so the decision was not recorded. "
        "PDF generation needs WeasyPrint with the Pango library and a Chinese font on the "
        "server (scripts/system-deps.sh installs them); please tell the administrator."
    )


# --- Drafts --------------------------------------------------------------------------------


def _public_profile(user: Any) -> Any:
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    try:
        return user.public_profile
    except ObjectDoesNotExist:
        return None


def start_application(*, item: ServiceItem, applicant: Any) -> Application:
    """A new draft application of ``applicant`` (a citizen's or business account) for
    ``item``, which must accept online applications."""
    if not item.accepts_online:
        raise ItemNotOnlineError
    if _public_profile(applicant) is None:
        raise NotPublicUserError
    return Application.objects.create(item=item, applicant=applicant)


def _check_editable(application: Application, actor: Any) -> None:
    if actor is None or application.applicant_id != actor.pk:
        raise NotApplicantError
    if application.is_draft:
        return
    case = application.case
    if case is None or case.state != CORRECTION_STATE or case.is_closed:
        raise ApplicationNotEditableError


# Control characters (NUL above all, which PostgreSQL refuses in text and JSON) never belong
# in what a person typed; tabs and line breaks stay.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(text: str, limit: int) -> str:
    return _CONTROL_CHARACTERS.sub("", text).strip()[:limit]


def _stored_value(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return _clean_text(text, 2000)


def save_application_draft(
    *, application: Application, actor: Any, form_data: Mapping[str, Any]
) -> Application:
    """Keep what the applicant typed so far (also incomplete), for the item's non-file fields
    only. Allowed on a draft, and on a submitted application the office sent back for
    correction."""
    _check_editable(application, actor)
    keys = set(
        application.item.form_fields.exclude(
            field_type=ServiceFormField.FieldType.FILE
        ).values_list("key", flat=True)
    )
    kept = {key: _stored_value(value) for key, value in form_data.items() if key in keys}
    application.form_data = {**application.form_data, **kept}
    application.save(update_fields=["form_data", "updated_at"])
    return application


def add_application_material(
    *,
    application: Application,
    actor: Any,
    upload: Any,
    material: ServiceMaterial | None = None,
    field_key: str = "",
) -> ApplicationMaterial:
    """Store a checked file for one required material (or one file field of the form),
    replacing the file uploaded for it before. During a correction the file also becomes an
    attachment of the case at once. Raises ``ValidationError`` for a bad file."""
    _check_editable(application, actor)
    if material is not None and material.item_id != application.item_id:
        raise MaterialNotOfItemError
    if material is None:
        is_file_field = application.item.form_fields.filter(
            key=field_key, field_type=ServiceFormField.FieldType.FILE
        ).exists()
        if not field_key or not is_file_field:
            raise MaterialNotOfItemError
        field_key_value = field_key
    else:
        field_key_value = ""
    checked = uploads.check_upload(
        upload, extensions=MATERIAL_EXTENSIONS, max_bytes=MATERIAL_MAX_BYTES
    )
    name = (getattr(upload, "name", "") or "file")[:255]
    with transaction.atomic():
        previous = application.materials.filter(material=material, field_key=field_key_value)
        for old in previous:
            old.file.delete(save=False)
            old.delete()
        stored = ApplicationMaterial(
            application=application,
            material=material,
            field_key=field_key_value,
            original_name=name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        stored.file.save(name, upload, save=False)
        stored.save()
        if application.case is not None:
            _attach_to_case(stored, case=application.case, actor=actor)
    return stored


def remove_application_material(*, stored: ApplicationMaterial, actor: Any) -> None:
    """Take a file off a draft (or off an application under correction)."""
    _check_editable(stored.application, actor)
    stored.file.delete(save=False)
    stored.delete()


def discard_application_draft(*, application: Application, actor: Any) -> None:
    """Delete a draft the applicant no longer wants, with its files. Submitted applications
    are records of a case and are never deleted."""
    if actor is None or application.applicant_id != actor.pk:
        raise NotApplicantError
    if not application.is_draft:
        raise ApplicationNotEditableError(_("A submitted application cannot be deleted."))
    with transaction.atomic():
        for stored in application.materials.all():
            stored.file.delete(save=False)
        application.delete()


def _material_label(stored: ApplicationMaterial, labels: Mapping[str, str]) -> str:
    if stored.material is not None:
        return stored.material.name
    return labels.get(stored.field_key, stored.field_key)


def _attach_to_case(stored: ApplicationMaterial, *, case: Case, actor: Any) -> None:
    labels = dict(stored.application.item.form_fields.values_list("key", "label"))
    with stored.file.open("rb") as handle:
        content = handle.read()
    case_actions.add_generated_attachment(
        case=case,
        name=stored.original_name,
        content=content,
        content_type=stored.content_type,
        material=_material_label(stored, labels),
        actor=actor,
    )


# --- Submission and correction -------------------------------------------------------------


def _checked_form(application: Application) -> tuple[ApplicationForm, dict[str, list[str]]]:
    """The application's form, validated, and everything missing or wrong in it: the form
    (the same ``ApplicationForm`` the pages and the API use) and the required materials."""
    item = application.item
    stored = list(application.materials.all())
    uploaded_keys = {m.field_key for m in stored if m.field_key}
    uploaded_materials = {m.material_id for m in stored if m.material_id}
    form = ApplicationForm(item=item, data=application.form_data, uploaded_keys=uploaded_keys)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        errors.update({key: [str(m) for m in messages] for key, messages in form.errors.items()})
    for material in item.materials.all():
        if material.is_required and material.pk not in uploaded_materials:
            errors[f"material_{material.pk}"] = [
                gettext("Please upload “%(name)s”.") % {"name": material.name}
            ]
    return form, errors


def validation_errors(*, application: Application) -> dict[str, list[str]]:
    """What is missing or wrong in ``application`` before it can go to the office."""
    return _checked_form(application)[1]


def submit_application(*, application: Application, actor: Any) -> Case:
    """Send a complete draft to the office: opens the case (the item's department and time
    limits; the applicant's name, phone and e-mail from their account), turns the materials
    into case attachments, and returns the case with its tracking number."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if actor is None or locked.applicant_id != actor.pk:
            raise NotApplicantError
        if not locked.is_draft:
            raise ApplicationNotEditableError(_("This application has already been submitted."))
        item = locked.item
        if not item.accepts_online:
            raise ItemNotOnlineError
        profile = _public_profile(actor)
        if profile is None:
            raise NotPublicUserError
        form, errors = _checked_form(locked)
        if errors:
            raise ApplicationInvalidError(errors)
        case = case_actions.create_case(
            case_type=APPLICATION_CASE_TYPE,
            department=item.department,
            title=item.name,
            applicant=actor,
            applicant_name=profile.display_name,
            applicant_phone=profile.mobile_phone,
            applicant_email=profile.email,
            statutory_days=item.statutory_days,
            promised_days=item.promised_days,
        )
        for stored in locked.materials.select_related("material"):
            _attach_to_case(stored, case=case, actor=actor)
        locked.form_data = form.json_data()
        locked.case = case
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["form_data", "case", "submitted_at", "updated_at"])
    application.refresh_from_db()
    return case


def correct_application(
    *, application: Application, actor: Any, note: str = "", expected_version: int | None = None
) -> CaseEvent:
    """The applicant hands in the corrections the office asked for: the form and materials
    are checked again, then the case's ``correct`` transition resumes the clock."""
    _check_editable(application, actor)
    case = application.case
    if case is None:
        raise ApplicationNotEditableError
    form, errors = _checked_form(application)
    if errors:
        raise ApplicationInvalidError(errors)
    with transaction.atomic():
        application.form_data = form.json_data()
        application.save(update_fields=["form_data", "updated_at"])
        event = case_actions.transition_case(
            case=case,
            transition="correct",
            actor=actor,
            note=_clean_text(note, 2000),
            expected_version=expected_version,
        )
    return event


# --- Decisions -----------------------------------------------------------------------------

_DECISIONS = {"approve": DecisionDocument.Kind.APPROVAL, "deny": DecisionDocument.Kind.DENIAL}


def after_application_transition(*, case: Case, event: CaseEvent, actor: Any) -> None:
    """The case engine calls this inside every transition of an application case: an
    approval or a denial gets its numbered decision document (PDF) attached to the case."""
    kind = _DECISIONS.get(event.transition)
    if kind is not None:
        issue_decision_document(case=case, event=event, kind=kind, actor=actor)


def _next_serial(department_id: int, year: int) -> int:
    last = DecisionDocument.objects.filter(department_id=department_id, year=year).aggregate(
        last=Max("serial")
    )["last"]
    return (last or 0) + 1


def issue_decision_document(
    *, case: Case, event: CaseEvent, kind: str, actor: Any
) -> DecisionDocument:
    """Number, render and attach the decision on ``case``. Runs inside the transition's
    transaction, so a document that cannot be produced undoes the decision too."""
    application = Application.objects.select_related("item", "applicant").filter(case=case).first()
    item = application.item if application is not None else None
    department = case.department
    today = timezone.localdate()
    is_approval = kind == DecisionDocument.Kind.APPROVAL
    prefix = department.short_name or department.name
    for attempt in range(3):
        serial = _next_serial(department.pk, today.year)
        try:
            with transaction.atomic():
                decision = DecisionDocument.objects.create(
                    case=case,
                    department=department,
                    kind=kind,
                    year=today.year,
                    serial=serial,
                    number=decision_number(
                        prefix=prefix, is_approval=is_approval, year=today.year, serial=serial
                    ),
                    issued_on=today,
                )
            break
        except IntegrityError:  # another decision took the serial at the same moment
            if attempt == 2:
                raise
    is_licence = item is None or item.kind == ServiceItem.Kind.LICENCE
    with translation.override(settings.LANGUAGE_CODE):
        title = decision_title(is_approval=is_approval, is_licence=is_licence)
        context = {
            "title": title,
            "decision": decision,
            "case": case,
            "item": item,
            "is_approval": is_approval,
            "is_licence": is_licence,
            "reason": event.note,
            "department": department,
            "form_data": application.form_data if application is not None else {},
        }
        try:
            content = documents.render_pdf(
                template_name="services/documents/decision.html", context=context
            )
        except documents.DocumentRenderingUnavailableError as error:
            raise DecisionDocumentError from error
    attachment = case_actions.add_generated_attachment(
        case=case,
        name=f"{title}-{case.tracking_number}.pdf",
        content=content,
        content_type="application/pdf",
        material=title,
        actor=actor,
    )
    decision.attachment = attachment
    decision.save(update_fields=["attachment"])
    return decision


def decision_title(*, is_approval: bool, is_licence: bool) -> str:
    if is_licence:
        if is_approval:
            return gettext("Decision to grant the administrative licence")
        return gettext("Decision not to grant the administrative licence")
    if is_approval:
        return gettext("Notice of approval")
    return gettext("Notice of refusal")


# --- Ratings -------------------------------------------------------------------------------


def rate_service(*, case: Case, actor: Any, grade: int, comment: str = "") -> ServiceRating:
    """The applicant's rating of a closed application case (好差评), once. The two bottom
    grades open a follow-up case for the department with its own deadline."""
    if actor is None or case.applicant_id != actor.pk:
        raise NotApplicantError
    if case.case_type != APPLICATION_CASE_TYPE or case.state not in RATEABLE_STATES:
        raise RatingNotAllowedError
    if grade not in ServiceRating.Grade.values:
        raise RatingNotAllowedError(_("Choose one of the five grades."))
    application = Application.objects.select_related("item").filter(case=case).first()
    if application is None:
        raise RatingNotAllowedError
    comment = _clean_text(comment, 1000)
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                case=case,
                item=application.item,
                department_id=case.department_id,
                grade=grade,
                comment=comment,
            )
            if is_bad_grade(grade):
                rating.follow_up = _open_follow_up(rating=rating, case=case, actor=actor)
                rating.save(update_fields=["follow_up"])
    except IntegrityError:
        raise AlreadyRatedError from None
    return rating


def _open_follow_up(*, rating: ServiceRating, case: Case, actor: Any) -> Case:
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Bad rating: %(title)s (%(number)s)") % {
            "title": case.title,
            "number": case.tracking_number,
        }
        note = gettext("Rating: %(grade)s. Comment: %(comment)s") % {
            "grade": rating.get_grade_display(),
            "comment": rating.comment or "—",
        }
    return case_actions.create_case(
        case_type=RATING_FOLLOW_UP_CASE_TYPE,
        department=case.department,
        title=title,
        applicant=actor,
        applicant_name=case.applicant_name,
        applicant_phone=case.applicant_phone,
        applicant_email=case.applicant_email,
        note=note,
    )


# --- Stored statistics ---------------------------------------------------------------------

# Finished months computed together: one grouped query per figure for the run (bounded, so
# a first run over many years keeps its memory and each transaction small).
STATISTICS_MONTHS_PER_RUN = 6


def store_statistics_months(
    *, today: date | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """Count and store every finished month not stored whole yet, and the current month up
    to yesterday (the nightly job); return how many months were stored. Safe to run twice
    at once: a month stored meanwhile by the other run is kept."""
    spans = reports.months_to_store(today=today)
    finished = [span for span in spans if span.end == reports.month_end(span.start)]
    runs: list[list[reports.DaySpan]] = []
    for span in finished:
        run = runs[-1] if runs else None
        if (
            run is not None
            and len(run) < STATISTICS_MONTHS_PER_RUN
            and run[-1].end + timedelta(days=1) == span.start
        ):
            run.append(span)
        else:
            runs.append([span])
    runs += [[span] for span in spans if span not in finished]
    stored = 0
    for run in runs:
        computed = reports.compute_months(reports.DaySpan(run[0].start, run[-1].end))
        for span in run:
            stored += _store_month(span, computed[span.month_indexes[0]])
        if progress is not None:
            progress(f"{run[0].start:%Y-%m} – {run[-1].end:%Y-%m-%d}: {len(run)} months")
    return stored


def _store_month(span: reports.DaySpan, rows: Mapping[tuple[int, int | None], list[int]]) -> int:
    try:
        with transaction.atomic():
            StatisticsMonth.objects.filter(month=span.start).delete()
            summary = StatisticsMonth.objects.create(month=span.start, through=span.end)
            MonthlyFigures.objects.bulk_create(
                [
                    MonthlyFigures(
                        summary=summary,
                        department_id=department_id,
                        item_id=item_id,
                        **dict(zip(MonthlyFigures.NUMBERS, numbers, strict=True)),
                    )
                    for (department_id, item_id), numbers in rows.items()
                ],
                batch_size=1000,
            )
    except IntegrityError:  # another run stored this month meanwhile
        return 0
    return 1


def rebuild_statistics_months(
    *, today: date | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """Forget the stored and cached months and store them again: after cases or ratings
    with past dates were loaded (imports, the demo city)."""
    StatisticsMonth.objects.all().delete()
    reports.invalidate_statistics_cache()
    return store_statistics_months(today=today, progress=progress)
