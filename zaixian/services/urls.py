from django.urls import path

from zaixian.services import views

app_name = "services"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("items/<str:code>/", views.item_guide, name="item"),
    path("items/<str:code>/apply/", views.start_application_view, name="apply"),
    path("my/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_view, name="application"),
    path("applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("applications/<int:pk>/discard/", views.discard_draft, name="discard"),
    path("applications/<int:pk>/rate/", views.rate_view, name="rate"),
    path(
        "applications/<int:pk>/files/<int:material_pk>/",
        views.material_download,
        name="material",
    ),
    path(
        "applications/<int:pk>/files/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("track/", views.track, name="track"),
    path("ratings/", views.rating_statistics, name="ratings"),
]
