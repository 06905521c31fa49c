"""The collector and the public summaries under /analytics/."""

from django.urls import path

from zaixian.analytics import views

app_name = "analytics"

urlpatterns = [
    path("collect", views.collect, name="collect"),
    path("summary/", views.public_summary, name="summary"),
]
