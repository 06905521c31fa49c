"""The demo city's self-evaluation: every demo site set up as an evaluated site, the shipped
wording rules, and a week of availability probes so the dashboard has a history from the
start. The first real evaluation of each site runs a few minutes after `zaixian demo` starts
(the scheduler's ``evaluation-first-runs`` job), against the running demo server."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from zaixian.evaluation import actions, rules
from zaixian.evaluation.models import AvailabilityProbe, EvaluationTarget

DEMO_SEED = 20261127
# Department sites answer on *.localhost names, which the browser maps to this machine but
# the server-side crawler's resolver does not; they are set up but not evaluated daily.
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# Per site, which departments' administrators maintain it (the portal: the information centre).
MAINTAINERS = {"127.0.0.1": "JCXXZX"}
DEMO_ADMIN_EMAIL = "webmaster@jcgov.example.cn"


class Writer(Protocol):
    def write(self, message: str) -> object: ...


def is_evaluation_demo_loaded() -> bool:
    return EvaluationTarget.objects.exists()


def load_evaluation_demo(*, stdout: Writer | None = None) -> int:
    """Set up the demo sites for evaluation once; returns the number of sites set up."""
    if is_evaluation_demo_loaded():
        return 0
    from zaixian.core.models import Department

    rng = random.Random(DEMO_SEED)  # noqa: S311 — reproducible demo data, not secrets
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        added = actions.load_default_wording_rules()
        targets = []
        for site in Site.objects.order_by("-is_default_site", "hostname"):
            code = MAINTAINERS.get(site.hostname)
            department = Department.objects.filter(code=code).first() if code else None
            target = EvaluationTarget.objects.create(
                name=site.site_name or site.hostname,
                base_url=f"{site.root_url}/",
                site=site,
                department=department,
                admin_emails=DEMO_ADMIN_EMAIL,
                max_pages=400,
                requests_per_second=10,
                accessibility_sample=4,
                check_external_links=False,  # the demo's outside links lead nowhere
                is_active=site.hostname in LOCAL_HOSTS,
            )
            targets.append(target)
        probes = []
        for target in targets:
            if not target.is_active:
                continue
            # 48 probes a day for the past week, as the scheduler takes them; the demo's
            # server was "down" for a maintenance window of an hour one night.
            for step in range(rules.AVAILABILITY_WINDOW_DAYS * 48, 0, -1):
                at = now - timedelta(minutes=30 * step)
                down = step in (150, 151)
                probes.append(
                    AvailabilityProbe(
                        target=target,
                        probed_at=at,
                        is_up=not down,
                        status_code=None if down else 200,
                        elapsed_ms=rules.PROBE_TIMEOUT_SECONDS * 1000
                        if down
                        else int(rng.lognormvariate(4.6, 0.4)),
                        error="首页在 15 秒内未打开。" if down else "",
                    )
                )
        AvailabilityProbe.objects.bulk_create(probes, batch_size=1000)
    if stdout is not None:
        stdout.write(
            f"self-evaluation: {len(targets)} sites, {added} wording rules, "
            f"{len(probes)} availability probes\n"
        )
    return len(targets)
