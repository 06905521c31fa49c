from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from zaixian.api import api
from zaixian.portal import views as portal_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", portal_views.sitemap_index, name="sitemap"),
    path("sitemaps/<int:number>.xml", portal_views.sitemap_chunk, name="sitemap_chunk"),
    path("search/", include("zaixian.search.urls")),
    path("cases/", include("zaixian.cases.urls")),
    path("accounts/", include("zaixian.accounts.urls")),
    path("bsfw/", include("zaixian.services.urls")),
    # Routed pages of /zwgk/ (request form, annual report); the rest of /zwgk/ is Wagtail's.
    path("zwgk/", include("zaixian.disclosure.urls")),
    path("hdjl/", include("zaixian.hotline.urls")),
    path("open311/v2/", include("zaixian.hotline.open311_urls")),
    path("analytics/", include("zaixian.analytics.urls")),
    path("monitoring/", include("zaixian.monitoring.urls")),
    path("api/v1/", api.urls),
    path("", include("zaixian.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
