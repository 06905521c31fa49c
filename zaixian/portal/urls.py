"""Public endpoints of the portal besides the Wagtail pages (mounted before Wagtail's
catch-all)."""

from django.urls import URLPattern, URLResolver, path

from zaixian.portal import views
from zaixian.portal.feeds import ChannelFeed

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("lang/<str:language>/", views.switch_language, name="switch_language"),
    path("feeds/channel/<int:page_id>/", ChannelFeed(), name="channel_feed"),
]
