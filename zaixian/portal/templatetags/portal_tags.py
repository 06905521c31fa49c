"""Template tags of the public portal: navigation, breadcrumbs, the site group and paging."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page as PaginatorPage
from django.http import HttpRequest, QueryDict
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page, Site

from zaixian.portal import queries

register = template.Library()


def _request(context: template.Context) -> HttpRequest | None:
    return context.get("request")


def _current_site(context: template.Context) -> Site | None:
    """The Wagtail site serving this request, looked up once per request."""
    request = _request(context)
    if request is None:
        return None
    return queries.site_for_request(request)


@register.simple_tag(takes_context=True)
def current_site(context: template.Context) -> Site | None:
    return _current_site(context)


def _chrome(context: template.Context) -> queries.SiteChrome | None:
    """The site's name, menu, sections and footer, read once per request."""
    request = _request(context)
    site = _current_site(context)
    if request is None or site is None:
        return None
    chrome = getattr(request, "_portal_chrome", None)
    if chrome is None or chrome.site_id != site.pk:
        chrome = queries.site_chrome(site=site)
        request._portal_chrome = chrome  # type: ignore[attr-defined]
    return chrome


@register.simple_tag(takes_context=True)
def site_chrome(context: template.Context) -> queries.SiteChrome | None:
    return _chrome(context)


@register.simple_tag(takes_context=True)
def chrome_include(context: template.Context, name: str) -> str:
    """``{% include name %}`` for the site's masthead and footer, rendered once per site
    chrome, language and marked menu item instead of on every page. A search box holding a
    query, or no site, renders as a plain include."""
    chrome = _chrome(context)
    request = _request(context)

    def render() -> str:
        with context.push():
            return context.template.engine.get_template(name).render(context)

    if chrome is None or request is None or request.GET.get("q"):
        return render()
    page = context.get("page")
    current, exact = 0, False
    if isinstance(page, Page):
        for item in chrome.menu:
            if page.url_path.startswith(item.url_path):
                current, exact = item.pk, item.pk == page.pk
        site = _current_site(context)
        exact = exact or (site is not None and page.pk == site.root_page_id)
        if site is not None and page.pk == site.root_page_id:
            current = -1
    variant = f"{get_language()}:{current}:{int(exact)}"
    return mark_safe(
        queries.chrome_fragment(chrome=chrome, name=name, variant=variant, render=render)
    )


@register.simple_tag(takes_context=True)
def site_title(context: template.Context) -> str:
    """The site's name for the masthead: the Site's name, else its root page's title."""
    chrome = _chrome(context)
    return chrome.name if chrome is not None else ""


@register.simple_tag(takes_context=True)
def breadcrumbs(context: template.Context, page: Page | None) -> list[Any]:
    site = _current_site(context)
    if site is None or not isinstance(page, Page):
        return []
    return queries.breadcrumb_pages(page=page, site_root=site.root_page, chrome=_chrome(context))


@register.simple_tag(takes_context=True)
def department_sites(context: template.Context) -> list[Site]:
    return queries.other_sites(site=_current_site(context))


@register.simple_tag
def article_neighbours(article: Page) -> dict[str, Any]:
    return queries.article_neighbours(article=article.specific)


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int) -> str:
    """The current query string with ``page`` replaced, so paging keeps other parameters."""
    request = _request(context)
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params["page"] = str(number)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_link(context: template.Context, number: int) -> str:
    """The link to page ``number`` of a list: path style under ``page_base`` when the page
    gives one (a channel: ``/channel/``, ``/channel/page/2/``), else ``page_query``."""
    base = context.get("page_base")
    if not base:
        return page_query(context, number)
    return base if int(number) == 1 else f"{base}page/{int(number)}/"


@register.simple_tag
def page_numbers(page_obj: PaginatorPage) -> list[int | str]:
    """Page numbers around the current one, with "…" for the gaps (1 … 4 5 6 … 20)."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


@register.filter
def file_type(document: Any) -> str:
    """A document's file type for its link label, e.g. "PDF"."""
    extension = getattr(document, "file_extension", "") or ""
    return extension.upper()


@register.filter
def in_section(page: Page | None, section: Any) -> bool:
    """Whether ``page`` is ``section`` or lies below it, to mark the current menu item."""
    if page is None or not isinstance(page, Page):
        return False
    return bool(page.url_path.startswith(section.url_path))
