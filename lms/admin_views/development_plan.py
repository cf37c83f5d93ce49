"""An item of the development plan and what realises it (docs/development-plan.md): the
classroom batches held for it, its e-learning course, what they delivered, and the money
spent on it (entered by BKPSDM with its document, cancelled with a reason, never
edited). Under HR → Development plan → a plan → an item's "Realisation"."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from competencies.forms import check_proof_file
from competencies.models import DevelopmentPlan, DevelopmentPlanSpend
from competencies.selectors.development_plan import (
    development_plan_report,
    plan_item_get_for_hr,
    plan_spend_list,
    require_plan_reader,
)
from competencies.services.development_plan import (
    may_prepare_plan,
    plan_spend_add,
    plan_spend_cancel,
)
from lms.models import Batch, CoursePage
from lms.selectors.development_plan import plan_batch_choices, plan_course_choices, plan_item_links
from lms.services.development_plan import (
    plan_item_batch_link,
    plan_item_batch_unlink,
    plan_item_course_set,
)

if TYPE_CHECKING:
    from accounts.models import User


class SpendForm(forms.Form):
    # Text, so that "1.500.000" or "-5" reach the service and get its clear message.
    amount = forms.CharField(label=gettext_lazy("Amount (Rp)"), max_length=30)
    spent_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number (SP2D, kuitansi …)"), max_length=100
    )
    attachment = forms.FileField(label=gettext_lazy("Document (PDF or image)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def clean_amount(self) -> str:
        # Indonesian grouping: "1.500.000,50" → "1500000.50".
        text = self.cleaned_data["amount"].replace("Rp", "").replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        return text

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_proof_file(upload)
        return upload


class LinkForm(forms.Form):
    batch = forms.ModelChoiceField(
        label=gettext_lazy("Classroom batch"), queryset=Batch.objects.none(), required=False
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("E-learning course"), queryset=CoursePage.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = plan_batch_choices()  # type: ignore[attr-defined]
        self.fields["course"].queryset = plan_course_choices()  # type: ignore[attr-defined]


def _error(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("You may not do this."))


@require_http_methods(["GET", "POST"])
def plan_item_realisation(request: HttpRequest, pk: int) -> HttpResponse:
    require_plan_reader(request.user)
    item = plan_item_get_for_hr(user=request.user, pk=pk)
    actor = cast("User", request.user)
    spend_form = SpendForm(prefix="spend")
    link_form = LinkForm(prefix="link")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "spend":
                spend_form = SpendForm(request.POST, request.FILES, prefix="spend")
                if spend_form.is_valid():
                    plan_spend_add(actor=actor, item=item, **spend_form.cleaned_data)
                    messages.success(request, _("The spending was entered."))
                    return redirect("lms_plan_item_realisation", item.pk)
            elif action == "cancel":
                spend = DevelopmentPlanSpend.objects.filter(
                    pk=request.POST.get("spend") or 0, item_key=item.key
                ).first()
                if spend is None:
                    raise Http404
                plan_spend_cancel(actor=actor, spend=spend, reason=request.POST.get("reason", ""))
                messages.success(request, _("The entry was cancelled."))
                return redirect("lms_plan_item_realisation", item.pk)
            elif action in ("link", "unlink", "course_clear"):
                if action == "unlink":
                    plan_item_batch_unlink(
                        actor=actor, item=item, batch_id=int(request.POST.get("batch") or 0)
                    )
                elif action == "course_clear":
                    plan_item_course_set(actor=actor, item=item, course=None)
                else:
                    link_form = LinkForm(request.POST, prefix="link")
                    if link_form.is_valid():
                        if link_form.cleaned_data["batch"]:
                            plan_item_batch_link(
                                actor=actor, item=item, batch=link_form.cleaned_data["batch"]
                            )
                        if link_form.cleaned_data["course"]:
                            plan_item_course_set(
                                actor=actor, item=item, course=link_form.cleaned_data["course"]
                            )
                messages.success(request, _("The links were saved."))
                return redirect("lms_plan_item_realisation", item.pk)
        except ValidationError as exc:
            form = spend_form if action == "spend" else link_form
            if hasattr(exc, "error_dict") and action == "spend":
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                _error(request, exc)
                if action != "spend":
                    return redirect("lms_plan_item_realisation", item.pk)
        except PermissionDenied as exc:
            _error(request, exc)
            return redirect("lms_plan_item_realisation", item.pk)
    report = development_plan_report(plan=item.plan)
    row = next((r for r in report.items if r.item.pk == item.pk), None)
    links = plan_item_links(item_keys=[str(item.key)])[str(item.key)]
    in_force = item.plan.status == DevelopmentPlan.Status.APPROVED
    return TemplateResponse(
        request,
        "lms/admin/development_plan/item.html",
        {
            "item": item,
            "plan": item.plan,
            "row": row,
            "links": links,
            "spends": plan_spend_list(item=item),
            "spend_form": spend_form,
            "link_form": link_form,
            "can_write": may_prepare_plan(request.user),
            "in_force": in_force,
            "year_start": datetime.date(item.plan.year, 1, 1),
        },
    )


def development_plan_admin_urls() -> list[Any]:
    return [
        path(
            "kompetensi/rencana/butir/<int:pk>/realisasi/",
            plan_item_realisation,
            name="lms_plan_item_realisation",
        )
    ]
