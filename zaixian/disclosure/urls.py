"""Routed pages of open government information below ``/zwgk/`` (the catalogue itself is
Wagtail pages): the online request form, the applicant's request, the annual report."""

from django.urls import path

from zaixian.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("apply/", views.request_form_view, name="request_form"),
    path("apply/<str:tracking_number>/", views.request_receipt_view, name="request_receipt"),
    path("annual-report/<int:year>/", views.annual_report_view, name="annual_report"),
]
