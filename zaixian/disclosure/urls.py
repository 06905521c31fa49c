"""Routed pages of open government information below ``/zwgk/`` (the catalogue itself is
Wagtail pages)."""

app_name = "disclosure"

urlpatterns: list[object] = []
