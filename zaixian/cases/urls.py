from django.urls import path

from zaixian.cases import views

app_name = "cases"

urlpatterns = [
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<str:tracking_number>/", views.my_case, name="my_case"),
]
