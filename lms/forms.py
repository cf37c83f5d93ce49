from __future__ import annotations

from typing import TYPE_CHECKING, cast

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
