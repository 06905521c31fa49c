"""The public search page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page, Site

from zaixian.search import queries
from zaixian.search.forms import SITE_ALL, SearchForm


def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()  # invalid filters are reported and ignored; the search still runs
    current_site = Site.find_for_request(request)
    site_param = form.value_or_none("site") or ""
    if site_param == SITE_ALL:
        site_id = None
    elif site_param:
        site_id = int(site_param)
    else:
        site_id = current_site.pk if current_site else None

    channel_id = form.value_or_none("channel")
    channel = Page.objects.filter(pk=channel_id).first() if channel_id else None
    results = queries.search(
        # The raw text, not the form's: the form rejects NUL bytes, the parser explains them.
        request.GET.get("q", ""),
        site=site_id,
        channel=channel,
        date_from=form.value_or_none("date_from"),
        date_to=form.value_or_none("date_to"),
        order=form.value_or_none("order") or "relevance",
        page=form.value_or_none("page") or 1,
        current_site_id=current_site.pk if current_site else None,
    )
    context = {
        "form": form,
        "results": results,
        "sites": queries.sites_for_filter(),
        "selected_site": SITE_ALL if site_id is None else str(site_id),
        "channel": channel,
        "has_query": not results.query.is_empty,
        "filter_errors": [
            f"{form.fields[name].label}: {error}"
            for name, errors in form.errors.items()
            if name in form.fields and name != "q"
            for error in errors
        ],
    }
    return render(request, "search/results.html", context)
