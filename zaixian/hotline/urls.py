"""The public side of the hotline under /hdjl/ (互动交流)."""

from django.urls import path

from zaixian.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.index, name="index"),
    path("write/<slug:channel>/", views.submit, name="submit"),
    path("track/", views.track, name="track"),
    path("typical/", views.typical_cases, name="typical_cases"),
    path("typical/<int:pk>/", views.typical_case, name="typical_case"),
    path("replies/", views.replies, name="replies"),
]
