from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency, OrgUnit
from lms.models import CourseEvaluation, CoursePage

if TYPE_CHECKING:
    from django.db.models import Field

LIKERT_CHOICES = [
    (1, _("1 — strongly disagree")),
    (2, _("2 — disagree")),
    (3, _("3 — neutral")),
    (4, _("4 — agree")),
    (5, _("5 — strongly agree")),
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.filter(is_active=True),
        required=False,
        empty_label=_("All competencies"),
    )
    delivery_mode = forms.ChoiceField(
        label=_("Delivery mode"),
        choices=[("", _("All modes")), *CoursePage.DeliveryMode.choices],
        required=False,
    )
    jp_min = forms.DecimalField(label=_("JP from"), required=False, min_value=0, max_digits=5)
    jp_max = forms.DecimalField(label=_("JP to"), required=False, min_value=0, max_digits=5)
    unit = forms.ModelChoiceField(
        label=_("Offered by"),
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        empty_label=_("All units"),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("All languages")), *CoursePage.Language.choices],
        required=False,
    )


class CourseEvaluationForm(forms.ModelForm):
    content_rating = forms.TypedChoiceField(
        choices=LIKERT_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    trainer_rating = forms.TypedChoiceField(
        choices=LIKERT_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    usefulness_rating = forms.TypedChoiceField(
        choices=LIKERT_CHOICES, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = CourseEvaluation
        fields = ["content_rating", "trainer_rating", "usefulness_rating", "comments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("content_rating", "trainer_rating", "usefulness_rating"):
            model_field = cast("Field", CourseEvaluation._meta.get_field(name))
            self.fields[name].label = str(model_field.verbose_name).capitalize()
        self.fields["comments"].widget.attrs["rows"] = 4


class EssayGradeForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=6, decimal_places=2)
    feedback = forms.CharField(
        label=_("Feedback to the learner"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EnrolmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])


class TrainingProposalForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.live().order_by("title")
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class AssignmentForm(forms.Form):
    """Shape only; the service checks the HR scope and the due-date rule."""

    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.live().order_by("title")
    )
    target_type = forms.ChoiceField(label=_("Assign to"), choices=[])
    # A plain multi-select; the admin template adds a search box (lms/js/select-filter.js).
    employees: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Employees"), queryset=None, required=False
    )
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=None, required=False
    )
    include_subunits = forms.BooleanField(
        label=_("Include sub-units"), required=False, initial=True
    )
    positions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Positions"), queryset=None, required=False
    )
    position_kinds = forms.MultipleChoiceField(
        label=_("Position kinds"), choices=[], required=False
    )
    rule: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Saved rule"), queryset=None, required=False
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_days = forms.IntegerField(
        label=_("Or: due this many days after being assigned"),
        required=False,
        min_value=1,
        max_value=3650,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    recurs_yearly = forms.BooleanField(label=_("Repeat every year"), required=False)

    def __init__(self, *args, employees, units, positions, rules, **kwargs) -> None:
        """Every choice list comes from the HR manager's scope (the view passes the
        scoped querysets), so names outside it are neither shown nor valid."""
        from wagtail.admin.widgets import AdminPageChooser

        from competencies.models import Position
        from lms.models import Assignment

        super().__init__(*args, **kwargs)
        fields = cast("dict[str, Any]", self.fields)
        fields["course"].widget = AdminPageChooser(target_models=[CoursePage])
        fields["target_type"].choices = Assignment.Target.choices
        fields["employees"].queryset = employees
        fields["employees"].widget.attrs.update(
            {
                "data-select-filter": "",
                "data-select-filter-label": _("Search employees"),
                "size": 12,
            }
        )
        fields["units"].queryset = units
        fields["positions"].queryset = positions
        fields["position_kinds"].choices = Position.Kind.choices
        fields["rule"].queryset = rules

    # Which fields pick the targets of each kind: only the chosen kind's are shown
    # (templates/lms/admin/assignment_create.html, lms/js/target-picker.js).
    PICKERS: dict[str, str] = {
        "employees": "employees",
        "units": "units",
        "include_subunits": "units",
        "positions": "positions",
        "position_kinds": "position_kinds",
        "rule": "rule",
    }

    def chosen_target(self) -> str:
        """The target kind the form is showing: the submitted or requested one, else the
        first in the list."""
        field = self.fields["target_type"]
        choices = [str(value) for value, _label in getattr(field, "choices", ())]
        value = self.data.get("target_type") if self.is_bound else self.initial.get("target_type")
        return str(value) if value in choices else choices[0]

    def rows(self) -> list[tuple[Any, str | None, bool]]:
        """(bound field, target kind it picks or None, shown) in form order."""
        chosen = self.chosen_target()
        return [
            (field, self.PICKERS.get(field.name), self.PICKERS.get(field.name, chosen) == chosen)
            for field in self
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("due_on")) == bool(data.get("due_days")):
            raise forms.ValidationError(_("Give either a due date or a number of days, not both."))
        return data


class AssignmentExtendForm(forms.Form):
    due_on = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
