"""The batch evaluation on the portal (docs/classroom.md, "Evaluation"): the participant's
form, the results of one batch for its committee and HR, and a trainer's own ratings
(aggregates only, never comments or names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from lms.models import BatchEvaluation, Trainer, TrainerEvaluation
from lms.models.classroom_evaluation import EVENT_ITEMS, LIKERT_CHOICES, TRAINER_ITEMS
from lms.selectors.classroom import batch_get_for_committee
from lms.selectors.classroom_evaluations import (
    EVALUATION_MIN_ANSWERS,
    batch_evaluation_is_open,
    batch_evaluation_results,
    batch_is_taught_by,
    nomination_get_for_evaluation,
    nomination_has_attended,
    nomination_has_evaluated,
    nomination_trainers_to_evaluate,
    trainer_profile_for_user,
    trainer_ratings_by_batch,
)
from lms.services.classroom_evaluations import batch_evaluation_submit
from lms.views.classroom import _user


def _label(model: Any, item: str) -> str:
    return str(model._meta.get_field(item).verbose_name)


def _likert_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=LIKERT_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class BatchEvaluationForm(forms.Form):
    """The event items, then each trainer's items (fields `t<trainer id>_<item>`)."""

    comments = forms.CharField(
        label=_("Comments and suggestions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, trainers: list[Trainer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trainers = trainers
        for item in EVENT_ITEMS:
            self.fields[item] = _likert_field(_label(BatchEvaluation, item))
        for trainer in trainers:
            for item in TRAINER_ITEMS:
                self.fields[f"t{trainer.pk}_{item}"] = _likert_field(
                    _label(TrainerEvaluation, item)
                )
        self.order_fields([*EVENT_ITEMS, "comments"])

    def event_fields(self) -> list[forms.BoundField]:
        return [self[item] for item in EVENT_ITEMS]

    def trainer_fields(self) -> list[tuple[Trainer, list[forms.BoundField]]]:
        return [(t, [self[f"t{t.pk}_{item}"] for item in TRAINER_ITEMS]) for t in self.trainers]

    def trainer_ratings(self) -> dict[int, dict[str, int]]:
        return {
            t.pk: {item: self.cleaned_data[f"t{t.pk}_{item}"] for item in TRAINER_ITEMS}
            for t in self.trainers
        }


@never_cache
@login_required
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_get_for_evaluation(user=request.user, batch_id=pk)
    batch = nomination.batch
    context: dict[str, Any] = {"batch": batch, "min_answers": EVALUATION_MIN_ANSWERS}
    if nomination_has_evaluated(nomination=nomination):
        return render(request, "lms/classroom/evaluation_form.html", {**context, "done": True})
    if not nomination_has_attended(nomination=nomination):
        return render(
            request, "lms/classroom/evaluation_form.html", {**context, "not_attended": True}
        )
    if not batch_evaluation_is_open(batch=batch):
        return render(request, "lms/classroom/evaluation_form.html", {**context, "closed": True})
    trainers = nomination_trainers_to_evaluate(nomination=nomination)
    form = BatchEvaluationForm(request.POST or None, trainers=trainers)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = batch_evaluation_submit(
                user=_user(request),
                batch=batch,
                event={item: form.cleaned_data[item] for item in EVENT_ITEMS},
                trainers=form.trainer_ratings(),
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if submitted.created:
                messages.success(request, _("Thank you: your evaluation was recorded."))
            else:
                messages.info(request, _("Your evaluation was already recorded; nothing changed."))
            return redirect("classroom_evaluation:form", pk=batch.pk)
    return render(request, "lms/classroom/evaluation_form.html", {**context, "form": form})


def _item_rows(model: Any, items: tuple[str, ...], values: dict) -> list[tuple[str, Any]]:
    return [(_label(model, item), values.get(item)) for item in items]


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch's results, for its committee and HR in scope (404 for anyone else); a
    viewer who taught in the batch gets no comments, as on the trainer's own page."""
    batch = batch_get_for_committee(user=request.user, pk=pk)
    taught = batch_is_taught_by(batch=batch, user=request.user)
    summary = batch_evaluation_results(batch=batch, with_comments=not taught)
    return render(
        request,
        "lms/classroom/evaluation_results.html",
        {
            "batch": batch,
            "summary": summary,
            "taught": taught,
            "event_rows": _item_rows(BatchEvaluation, EVENT_ITEMS, summary.items),
            "trainer_labels": [_label(TrainerEvaluation, i) for i in TRAINER_ITEMS],
            "trainers": [(t, [t.items[i] for i in TRAINER_ITEMS]) for t in summary.trainers],
        },
    )


@login_required
def my_ratings(request: HttpRequest) -> HttpResponse:
    """The signed-in trainer's ratings per batch and overall: averages only, each withheld
    below the threshold; no comments (they could name the writer)."""
    trainer = trainer_profile_for_user(user=request.user)
    rows, overall = trainer_ratings_by_batch(trainer=trainer) if trainer is not None else ([], None)
    return render(
        request,
        "lms/classroom/trainer_ratings.html",
        {
            "trainer": trainer,
            "rows": rows,
            "overall": overall,
            "labels": [_label(TrainerEvaluation, i) for i in TRAINER_ITEMS],
            "items": TRAINER_ITEMS,
            "min_answers": EVALUATION_MIN_ANSWERS,
        },
    )
