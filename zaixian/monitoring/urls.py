"""Public URLs of the monitoring engine: the demo's recorded feeds."""

from django.urls import path

from zaixian.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("demo-feeds/<slug:name>.xml", views.demo_feed, name="demo_feed"),
]
