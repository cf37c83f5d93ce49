"""HR's batch calendar in the Wagtail admin (/admin/kelas/kalender/): a month grid of the
sessions with links to each batch's overview, the month's batches, previous and next
month, filters by organising OPD and mode (docs/classroom.md, "Batch calendar")."""

from __future__ import annotations

from django import forms
from django.template.response import TemplateResponse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.views import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from competencies.models import OrgUnit
from competencies.selectors.hr_scope import orgunit_list_for_hr
from lms.models import Batch
from lms.selectors.classroom_calendar import batch_calendar_month, month_parse


class CalendarFilterForm(forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organised by"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All OPDs"),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=[("", _("All modes")), *Batch.Mode.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = orgunit_list_for_hr(user=user)  # type: ignore[attr-defined]


class BatchCalendarView(WagtailAdminTemplateMixin, View):
    template_name = "lms/classroom/admin/calendar.html"
    page_title = _("Batch calendar")
    header_icon = "date"

    def get(self, request):
        first = month_parse(request.GET.get("month"))
        form = CalendarFilterForm(request.GET or None, user=request.user)
        unit, mode = None, ""
        if form.is_valid():
            unit, mode = form.cleaned_data["unit"], form.cleaned_data["mode"]
        month = batch_calendar_month(user=request.user, first=first, unit=unit, mode=mode)
        filters = "".join(
            f"&{name}={value}"
            for name, value in (("unit", unit.pk if unit else ""), ("mode", mode))
            if value
        )
        context = self.get_context_data(
            month=month,
            form=form,
            filters=filters,
            weekdays=[WEEKDAYS[i] for i in range(7)],
        )
        return TemplateResponse(request, self.template_name, context)
