"""The demo's recorded feeds, served by the running demo server so that its feed sources are
fetched like real ones (only with DEBUG or the ZAIXIAN_DEMO setting on)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zaixian.monitoring import queries

# A shift beyond ten years is a typing error, not a recording.
MAX_SHIFT = timedelta(days=3650)


@require_GET
def demo_feed(request: HttpRequest, name: str) -> HttpResponse:
    """A recorded feed, its times moved by ``?shift=`` seconds (the demo loader writes the
    shift into each source's URL, so the recording ends when the demo was loaded)."""
    if not (settings.DEBUG or getattr(settings, "ZAIXIAN_DEMO", False)):
        raise Http404
    try:
        shift = timedelta(seconds=int(request.GET.get("shift", "0")))
    except (ValueError, OverflowError):
        shift = MAX_SHIFT * 2
    if abs(shift) > MAX_SHIFT:
        return HttpResponseBadRequest(
            _("The shift must be a number of seconds of at most ten years."),
            content_type="text/plain; charset=utf-8",
        )
    content = queries.demo_feed(name, shift=shift)
    if content is None:
        raise Http404
    etag = f'"{hashlib.sha256(content).hexdigest()[:20]}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    is_atom = b"<feed" in content[:300]
    kind = "application/atom+xml" if is_atom else "application/rss+xml"
    response = HttpResponse(content, content_type=f"{kind}; charset=utf-8")
    response["ETag"] = etag
    return response
