"""Admin for the department tree, the holiday schedules and users (with department, phone
and job title)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from zaixian.core import actions, audit, queries
from zaixian.core.models import CalendarDay, Department, HolidaySchedule

USER_EXTRA_FIELDS = ("department", "phone", "job_title")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * (obj.depth - 1) + f"{obj.name} ({obj.code})"


class DepartmentForm(WagtailAdminModelForm):
    """The department fields plus the parent, which the tree keeps in ``path``."""

    parent = DepartmentChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Parent department"),
        help_text=_("Leave empty for the top of the tree (the municipal government)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = queries.department_tree()
        if self.instance.pk:
            choices = choices.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = self.instance.get_parent()
        self.fields["parent"].queryset = choices


class DepartmentCreateView(CreateView):
    def save_instance(self) -> Department:
        data = self.form.cleaned_data
        department = actions.create_department(
            parent=data["parent"],
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            short_name=data.get("short_name", ""),
        )
        if not data.get("is_active", True):
            department.is_active = False
            department.save(update_fields=["is_active"])
        log(instance=department, action="wagtail.create", user=self.request.user)
        return department


class DepartmentEditView(EditView):
    @transaction.atomic
    def save_instance(self) -> Department:
        department = super().save_instance()
        return actions.move_department(
            department=department, parent=self.form.cleaned_data["parent"]
        )


class DepartmentViewSet(ModelViewSet):
    name = "core_department"
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_view_class = DepartmentCreateView
    edit_view_class = DepartmentEditView
    ordering = ["path"]
    search_fields = ["name", "short_name", "code"]
    list_filter = ["kind", "is_active"]
    list_display = [
        Column(
            "name",
            label=_("name"),
            accessor=lambda department: "　" * (department.depth - 1) + department.name,
        ),
        "code",
        "kind",
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("parent"),
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("code"),
            FieldPanel("kind"),
            FieldPanel("is_active"),
        ],
        base_form_class=DepartmentForm,
    )


class HolidayScheduleViewSet(ModelViewSet):
    name = "core_holidayschedule"
    model = HolidaySchedule
    icon = "date"
    menu_label = _("Holiday schedules")
    form_fields = ["year", "notice", "is_complete"]
    list_display = ["year", "notice", "is_complete", "updated_at"]


class CalendarDayViewSet(ModelViewSet):
    name = "core_calendarday"
    model = CalendarDay
    icon = "calendar"
    menu_label = _("Holidays and adjusted working days")
    form_fields = ["schedule", "date", "kind", "name"]
    list_display = ["date", "kind", "name", "schedule"]
    list_filter = ["schedule", "kind"]
    ordering = ["date"]


class PlatformViewSetGroup(ViewSetGroup):
    menu_label = _("Platform")
    menu_icon = "cogs"
    menu_order = 700
    items = (DepartmentViewSet, HolidayScheduleViewSet, CalendarDayViewSet)


class ZaixianUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(USER_EXTRA_FIELDS)


class ZaixianUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(USER_EXTRA_FIELDS)


class UserEditView(WagtailUserEditView):
    """Opening a user's form shows their mobile number unmasked: record who saw it."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().get(request, *args, **kwargs)
        if self.object.phone:
            audit.record_personal_data_view(
                instance=self.object, user=request.user, fields=["phone"]
            )
        return response


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin with our fields (set through ``CoreUsersAppConfig``)."""

    edit_view_class = UserEditView

    create_template_name = "core/users/create.html"
    edit_template_name = "core/users/edit.html"

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return ZaixianUserEditForm if for_update else ZaixianUserCreationForm
