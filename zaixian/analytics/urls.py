"""The collector and the public summaries under /analytics/."""

app_name = "analytics"

urlpatterns: list = []
