from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from accounts.models import User
from accounts.nip import nip_normalize, validate_nip
from competencies.models import Assessment, Competency, Employee, OrgUnit
from competencies.models.employees import date_of_birth_problem
from competencies.services.employees import EMPLOYEE_FIELDS

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from competencies.services.proofs import HeldProof


class OrgUnitAdminForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty for a regional agency (perangkat daerah) at the top."),
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from competencies.selectors.hr_scope import orgunit_list_for_hr

        units = orgunit_list_for_hr(user=self.for_user) if self.for_user else OrgUnit.objects.all()
        if self.instance.pk:
            units = units.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = self.instance.get_parent()
        self.fields["parent"].queryset = units
        self.fields["parent"].label_from_instance = lambda unit: unit.indented_name


class CompetencyAdminForm(WagtailAdminModelForm):
    """Offers kompetensi pemerintahan only when the agency has turned it on (or the
    competency already has that kind); `Competency.clean` enforces the same rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields and not self.instance._pemerintahan_allowed():
            field = self.fields["kind"]
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value != Competency.Kind.PEMERINTAHAN
            ]


class EmployeeAdminForm(WagtailAdminModelForm):
    """The HR record plus the account's e-mail and NIP, which live on the User."""

    email = forms.EmailField(label=_("E-mail"))
    nip = forms.CharField(
        label=_("NIP"), max_length=24, required=False, help_text=_("18 digits; spaces allowed.")
    )

    class Meta:
        model = Employee
        fields = list(EMPLOYEE_FIELDS)  # save_kwargs passes them on to the services

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["nip"].initial = self.instance.user.nip
        if self.for_user is not None:
            from competencies.selectors.hr_scope import employee_list_for_hr, orgunit_list_for_hr

            self.fields["unit"].queryset = orgunit_list_for_hr(user=self.for_user)
            self.fields["supervisor"].queryset = employee_list_for_hr(user=self.for_user).filter(
                is_active=True
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        nip = nip_normalize(cleaned.get("nip") or "")
        cleaned["nip"] = nip
        if nip:
            try:
                validate_nip(
                    nip, pppk=cleaned.get("employment_type") == Employee.EmploymentType.PPPK
                )
            except forms.ValidationError as exc:
                self.add_error("nip", exc)
            else:
                others = User.objects.filter(nip=nip)
                if self.instance.pk:
                    others = others.exclude(pk=self.instance.user_id)
                if others.exists():
                    self.add_error("nip", _("Another account already uses this NIP."))
        problem = date_of_birth_problem(
            cleaned.get("date_of_birth"),
            nip=nip,
            employment_type=cleaned.get("employment_type") or Employee.EmploymentType.PNS,
        )
        if problem:
            self.add_error("date_of_birth", problem)
        if cleaned.get("employment_type") == Employee.EmploymentType.PPPK and cleaned.get(
            "golongan"
        ):
            self.add_error("golongan", _("PNS golongan does not apply to PPPK employees."))
        # PPPK golongan I–XVII (Perpres 98/2020) are for PPPK only.
        if cleaned.get("employment_type") != Employee.EmploymentType.PPPK and cleaned.get(
            "pppk_golongan"
        ):
            self.add_error("pppk_golongan", _("PPPK golongan does not apply to PNS employees."))
        return cleaned

    def save_kwargs(self) -> dict:
        """The cleaned values in the shape the employee services take."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["email"] = self.cleaned_data["email"]
        data["nip"] = self.cleaned_data.get("nip") or None
        return data


class AssessmentAdminForm(WagtailAdminModelForm):
    class Meta:
        model = Assessment
        fields = [
            "employee",
            "competency",
            "level",
            "method",
            "assessed_on",
            "valid_until",
            "evidence",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            from competencies.selectors.hr_scope import employee_list_for_hr

            self.fields["employee"].queryset = employee_list_for_hr(user=self.for_user).filter(
                is_active=True
            )
        self.fields["competency"].queryset = Competency.objects.filter(is_active=True)
        self.fields["method"].choices = [
            c for c in Assessment.Method.choices if c[0] != Assessment.Method.SELF
        ]


class AssessmentDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting."),
    )


class RateForm(forms.Form):
    """A supervisor's rating of a direct report, or an employee's self assessment."""

    competency = forms.ModelChoiceField(label=_("Competency"), queryset=Competency.objects.none())
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int
    )
    note = forms.CharField(
        label=_("Evidence or note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, competencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["competency"])
        field.queryset = competencies or Competency.objects.filter(is_active=True)


PROOF_MAX_BYTES = 5 * 1024 * 1024
_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def check_proof_file(upload) -> None:
    """Accepts a PDF, PNG or JPEG up to 5 MB whose content matches its extension, so an
    HTML or SVG file cannot pass as a certificate."""
    import os

    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in _SIGNATURES:
        raise forms.ValidationError(_("Upload the certificate as PDF, JPG or PNG."))
    if upload.size > PROOF_MAX_BYTES:
        raise forms.ValidationError(_("The file is larger than 5 MB."))
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(_SIGNATURES[extension]):
        raise forms.ValidationError(
            _("The file's content is not a %(kind)s file.") % {"kind": extension[1:].upper()}
        )


class TrainingRecordForm(forms.Form):
    """External training: the employee gives the kind, the dates and (for the kinds counted
    so) the sessions, semesters or hours; the JP are computed from the conversion table
    (competencies.selectors.jp_conversion), shown before sending when asked ("Compute
    JP"), and stored by `training_record_submit`."""

    title = forms.CharField(label=_("Training name"), max_length=255)
    organiser = forms.CharField(label=_("Organiser"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of development"), choices=())
    started_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    finished_on = forms.DateField(
        label=_("End date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.DecimalField(
        label=_("Sessions, semesters or hours"), min_value=Decimal("0.1"), max_value=9999,
        decimal_places=1, required=False,
        help_text=_(
            "Coaching or mentoring: the number of sessions. Study assignment: semesters. "
            "Training, e-learning, self-study: the scheduled hours (clock hours; 1 JP = 45 "
            "minutes). Not needed for seminars and workshops (counted per day), internships "
            "and benchmarking."
        ),
    )  # fmt: skip
    international = forms.BooleanField(
        label=_("International activity"), required=False,
        help_text=_("Organised abroad or as an international event: some kinds count more."),
    )  # fmt: skip
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False
    )
    proof = forms.FileField(
        label=_("Proof (certificate)"),
        help_text=_("PDF, JPG or PNG, at most 5 MB."),
        # Required in clean_proof: a proof kept from an earlier submission also counts.
        required=False,
    )
    proof_held = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)

        self.employee = employee
        self.held = None
        self.computation = None
        from competencies.selectors.jp_conversion import jp_rule_choices

        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", "—"), *jp_rule_choices()]

    def clean_proof(self):
        from competencies.services.proofs import proof_held_get

        upload = self.cleaned_data.get("proof")
        if upload:
            check_proof_file(upload)
            return upload
        token = self.data.get("proof_held") or ""
        self.held = proof_held_get(employee=self.employee, token=token) if token else None
        if self.held is None:
            raise forms.ValidationError(self.fields["proof"].error_messages["required"])
        return None

    def upload_to_hold(self) -> UploadedFile | None:
        """After a failed validation, a valid new upload the view keeps so the employee
        need not choose it again (competencies.services.proofs.proof_hold)."""
        return self.cleaned_data.get("proof") if "proof" not in self.errors else None

    def show_held(self, held: HeldProof | None) -> None:
        """Shows the kept proof (`held`, or the one the form was sent with) on the form."""
        if held is not None:
            self.held = held
        if self.held is not None:
            # The hidden field is re-rendered from the submitted data: swap in the token.
            self.data = {**self.data, "proof_held": self.held.token}
            note = _(
                "Your file %(name)s is kept: send the form without choosing it again, "
                "or choose another file to replace it."
            ) % {"name": self.held.name}
            # The bound field copied the help text when validation built it.
            self.fields["proof"].help_text = self["proof"].help_text = note

    def clean(self):
        from competencies.selectors.jp_conversion import jp_compute_for_employee

        cleaned = super().clean() or {}
        start, end = cleaned.get("started_on"), cleaned.get("finished_on")
        if start and end and end < start:
            self.add_error("finished_on", _("The end date cannot be before the start."))
            return cleaned
        kind = cleaned.get("kind") or ""
        if ":" not in kind or not start or not end:
            return cleaned
        development_type, activity = kind.split(":", 1)
        cleaned["development_type"], cleaned["activity"] = int(development_type), activity
        try:
            self.computation = jp_compute_for_employee(
                employee=self.employee,
                development_type=int(development_type),
                activity=activity,
                started_on=start,
                finished_on=end,
                units=cleaned.get("units"),
                international=bool(cleaned.get("international")),
            )
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return cleaned


class ComplianceFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, required=False,
        help_text=_("Empty: this year."),
    )  # fmt: skip
    unit = forms.ChoiceField(label=_("Unit (with its sub-units)"), required=False, choices=())
    position_kind = forms.ChoiceField(label=_("Position kind"), required=False, choices=())
    golongan = forms.TypedChoiceField(
        label=_("Golongan"), required=False, coerce=int, empty_value=None, choices=()
    )
    all_employees = forms.BooleanField(
        label=_("Show everyone, not only those below the target"), required=False
    )

    def __init__(self, *args, units: QuerySet[OrgUnit], **kwargs):
        """`units`: the HR manager's units. Read only when the form is drawn or a unit is
        chosen, and through the same queryset (its result is kept) that the report's
        summary rows use, so the page reads the units once and an export not at all."""
        super().__init__(*args, **kwargs)
        from competencies.models import Golongan, Position

        self._units = units
        cast(forms.ChoiceField, self.fields["unit"]).choices = lambda: [
            ("", "—"),
            *((str(u.pk), u.indented_name) for u in units),
        ]
        cast(forms.ChoiceField, self.fields["position_kind"]).choices = [
            ("", "—"),
            *Position.Kind.choices,
        ]
        cast(forms.ChoiceField, self.fields["golongan"]).choices = [("", "—"), *Golongan.choices]

    def clean_unit(self) -> OrgUnit | None:
        pk = self.cleaned_data.get("unit") or ""
        return next((u for u in self._units if str(u.pk) == pk), None) if pk else None
