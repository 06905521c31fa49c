"""Platform checks: what the platform's own data says about a site, without a crawl.

* **Availability** (站点无法访问): the home page's probes of the last ``AVAILABILITY_WINDOW_DAYS``
  whole days (today's are still being taken, so the window ends yesterday). Each failed probe
  is one finding under ``availability.home`` (a probe that did not open is a failure the
  office can look up by its time and error; the item's cap bounds what they cost); failures at
  or over 5 % of the window's probes fail ``veto.availability``; every probe opened on days
  each with enough probes earns ``bonus.availability``; days short of
  ``PROBES_PER_DAY_AT_LEAST`` probes are reported as a notice (``notice.probes``).
* **Interaction** (互动回应), for the platform's own sites: hotline cases — every message from
  the web form and the mayor's and governor's mailboxes is a hotline case — answered after
  their reply deadline in the last year (``interaction.late_replies``), cases expecting an
  answer left unanswered for over ``UNANSWERED_VETO_DAYS`` days (``veto.interaction``), and
  disclosure requests past their statutory deadline (``interaction.disclosure``).

Whose cases: those of the target's sponsor department and its sub-departments when the target
names one (a department's site answers for its department's cases); the whole platform's for
the default (portal) site without a department, as the portal carries the city's single
message channel; no interaction findings for another platform site without a department, as
nothing says which cases are its own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.core.models import Department
from zaixian.disclosure import queries as disclosure_queries
from zaixian.evaluation import rules
from zaixian.evaluation.checks import FindingData
from zaixian.evaluation.models import AvailabilityProbe, EvaluationTarget
from zaixian.hotline import queries as hotline_queries

# At most this many findings of one kind are listed one by one (well past every item's cap);
# the last one says how many more there were.
LISTED_AT_MOST = 100


def check_platform(*, target: EvaluationTarget, today: date) -> list[FindingData]:
    """Every platform check of ``target`` as of ``today``."""
    findings = check_availability(target=target, today=today)
    if target.site_id is not None or target.department_id is not None:
        scoped, department = interaction_scope(target)
        if scoped:
            findings += check_interaction(department=department, today=today)
            findings += check_disclosure(department=department, today=today)
    return findings


def interaction_scope(target: EvaluationTarget) -> tuple[bool, Department | None]:
    """Whether the interaction checks apply, and to which department (None: the platform)."""
    if target.department is not None:
        return True, target.department
    if target.site is not None and target.site.is_default_site:
        return True, None
    return False, None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _more(findings: list[FindingData], total: int) -> list[FindingData]:
    """Mark the last listed finding when more were found than listed."""
    if total <= len(findings) or not findings:
        return findings
    last = findings[-1]
    note = _("%(count)d more not listed.") % {"count": total - len(findings)}
    findings[-1] = FindingData(
        check=last.check,
        indicator=last.indicator,
        evidence=f"{last.evidence} {note}",
        page_url=last.page_url,
        link_url=last.link_url,
        detail={**last.detail, "not_listed": total - len(findings)},
    )
    return findings


# --- Availability ---------------------------------------------------------------------------------


def check_availability(*, target: EvaluationTarget, today: date) -> list[FindingData]:
    end = today - timedelta(days=1)
    start = end - timedelta(days=rules.AVAILABILITY_WINDOW_DAYS - 1)
    probes = list(
        AvailabilityProbe.objects.filter(
            target=target, probed_at__gte=_day_start(start), probed_at__lt=_day_start(today)
        )
        .order_by("probed_at")
        .values_list("probed_at", "is_up", "status_code", "elapsed_ms", "error")
    )
    figures = rules.availability_figures(
        [(timezone.localdate(at), is_up) for at, is_up, *_rest in probes], end=end
    )
    window = {"start": f"{figures.start:%Y-%m-%d}", "end": f"{figures.end:%Y-%m-%d}"}
    detail = {
        **window,
        "probes": figures.probes,
        "failures": figures.failures,
        "rate": str(figures.rate) if figures.rate is not None else None,
    }
    home = target.base_url
    findings: list[FindingData] = []
    if not figures.has_enough_probes:
        findings.append(_short_probes_notice(figures, home=home, detail=detail))
    failed = [probe for probe in probes if not probe[1]]
    failures = []
    for probed_at, _is_up, status, elapsed_ms, error in failed[:LISTED_AT_MOST]:
        reason = error or (_("HTTP status %(status)s") % {"status": status})
        failures.append(
            FindingData(
                check="availability.probes",
                indicator="availability.home",
                evidence=_("The home page did not open at %(time)s: %(reason)s.")
                % {"time": f"{timezone.localtime(probed_at):%Y-%m-%d %H:%M}", "reason": reason},
                page_url=home,
                detail={"status": status, "elapsed_ms": elapsed_ms},
            )
        )
    findings += _more(failures, len(failed))
    if figures.is_vetoed:
        findings.append(
            FindingData(
                check="availability.probes",
                indicator="veto.availability",
                evidence=_(
                    "%(failures)d of %(probes)d probes of the home page failed from %(start)s "
                    "to %(end)s (%(rate)s), at or over the 5%% line."
                )
                % {**detail, **window, "rate": _percent(figures.rate)},
                page_url=home,
                detail=detail,
            )
        )
    elif figures.always_up:
        findings.append(
            FindingData(
                check="availability.probes",
                indicator="bonus.availability",
                evidence=_(
                    "The home page opened at all %(probes)d probes from %(start)s to %(end)s."
                )
                % {**detail, **window},
                page_url=home,
                detail=detail,
            )
        )
    return findings


def _short_probes_notice(
    figures: rules.AvailabilityFigures, *, home: str, detail: dict[str, object]
) -> FindingData:
    if figures.probes == 0:
        evidence = _(
            "No probe of the home page was taken from %(start)s to %(end)s: availability was "
            "not evaluated."
        ) % {"start": f"{figures.start:%Y-%m-%d}", "end": f"{figures.end:%Y-%m-%d}"}
    else:
        days = ", ".join(f"{day:%m-%d} ({count})" for day, count in figures.short_days)
        evidence = _(
            "Fewer than %(least)d probes a day were taken on %(days)s; the week's failure "
            "rate rests on %(probes)d probes."
        ) % {"least": rules.PROBES_PER_DAY_AT_LEAST, "days": days, "probes": figures.probes}
    return FindingData(
        check="availability.probes",
        indicator="notice.probes",
        evidence=evidence,
        page_url=home,
        detail={**detail, "short_days": [f"{day:%Y-%m-%d}" for day, _n in figures.short_days]},
    )


# --- Interaction ----------------------------------------------------------------------------------


def _days_between(start: datetime, end: datetime) -> int:
    """Whole days from ``start`` to ``end``, a started day counting as one."""
    seconds = (end - start).total_seconds()
    return max(1, int(-(-seconds // 86400)))


def check_interaction(*, department: Department | None, today: date) -> list[FindingData]:
    now = _day_start(today + timedelta(days=1)) if today < timezone.localdate() else timezone.now()
    since = _day_start(today - timedelta(days=rules.INTERACTION_WINDOW_DAYS))
    findings: list[FindingData] = []

    late = hotline_queries.late_replied_cases(since=since, now=now, department=department)
    late_total = late.count()
    listed = []
    for hotline_case in late[:LISTED_AT_MOST]:
        due = hotline_case.reply_due_at
        if due is None:  # the query filters on it; for the type checker
            continue
        replied = hotline_case.replied_at
        values = {
            "number": hotline_case.case.tracking_number,
            "due": f"{timezone.localtime(due):%Y-%m-%d %H:%M}",
            "days": _days_between(due, replied or now),
        }
        if replied is not None:
            evidence = (
                _(
                    "Hotline case %(number)s was answered %(days)d day(s) after its reply "
                    "deadline (%(due)s)."
                )
                % values
            )
        else:
            evidence = (
                _(
                    "Hotline case %(number)s is still unanswered %(days)d day(s) after its reply "
                    "deadline (%(due)s)."
                )
                % values
            )
        listed.append(
            FindingData(
                check="interaction.late",
                indicator="interaction.late_replies",
                evidence=evidence,
                detail={"case": values["number"], "days_late": values["days"]},
            )
        )
    findings += _more(listed, late_total)

    unanswered = hotline_queries.unanswered_cases(
        received_from=since,
        received_before=now - timedelta(days=rules.UNANSWERED_VETO_DAYS),
        department=department,
    )
    unanswered_total = unanswered.count()
    listed = []
    for hotline_case in unanswered[:LISTED_AT_MOST]:
        values = {
            "number": hotline_case.case.tracking_number,
            "received": f"{timezone.localtime(hotline_case.received_at):%Y-%m-%d}",
            "days": (now - hotline_case.received_at).days,
        }
        listed.append(
            FindingData(
                check="interaction.unanswered",
                indicator="veto.interaction",
                evidence=_(
                    "Hotline case %(number)s, received on %(received)s, has had no answer for "
                    "%(days)d days (over 3 months)."
                )
                % values,
                detail={"case": values["number"], "days": values["days"]},
            )
        )
    findings += _more(listed, unanswered_total)
    return findings


def check_disclosure(*, department: Department | None, today: date) -> list[FindingData]:
    requests = disclosure_queries.late_requests(
        since=today - timedelta(days=rules.INTERACTION_WINDOW_DAYS),
        today=today,
        department=department,
    )
    total = requests.count()
    listed = []
    for request in requests[:LISTED_AT_MOST]:
        case = request.case
        values = {
            "number": case.tracking_number,
            "received": f"{request.received_on:%Y-%m-%d}",
            "due": f"{case.due_on:%Y-%m-%d}" if case.due_on else "—",
        }
        if request.concluded_on is not None:
            values["days"] = (request.concluded_on - case.due_on).days if case.due_on else 0
            evidence = _(
                "Disclosure request %(number)s (received %(received)s) was answered on "
                "%(answered)s, after its deadline %(due)s."
            ) % {**values, "answered": f"{request.concluded_on:%Y-%m-%d}"}
        else:
            values["days"] = (today - case.due_on).days if case.due_on else 0
            evidence = (
                _(
                    "Disclosure request %(number)s (received %(received)s) is unanswered "
                    "%(days)d day(s) after its deadline %(due)s."
                )
                % values
            )
        listed.append(
            FindingData(
                check="disclosure.overdue",
                indicator="interaction.disclosure",
                evidence=evidence,
                detail={"request": values["number"], "days_late": values["days"]},
            )
        )
    return _more(listed, total)
