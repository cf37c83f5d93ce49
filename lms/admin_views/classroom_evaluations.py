"""HR's view of a trainer's evaluation ratings (the trainer profile's ratings, linked
from the JP-taught ledger): per batch in the HR manager's scope and overall, each withheld
below the threshold (docs/classroom.md, "Evaluation")."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.views import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.models import TrainerEvaluation
from lms.models.classroom_evaluation import TRAINER_ITEMS
from lms.selectors.classroom import batch_list_for_hr
from lms.selectors.classroom_evaluations import (
    EVALUATION_MIN_ANSWERS,
    trainer_get_for_hr,
    trainer_ratings_by_batch,
)


class TrainerRatingsView(WagtailAdminTemplateMixin, View):
    template_name = "lms/classroom/admin/trainer_ratings.html"
    header_icon = "user"

    def get_page_title(self):
        return str(self.trainer)

    def get(self, request, pk):
        self.trainer = trainer_get_for_hr(user=request.user, pk=pk)
        rows, overall = trainer_ratings_by_batch(
            trainer=self.trainer, batches=batch_list_for_hr(user=request.user)
        )
        context = self.get_context_data(
            trainer=self.trainer,
            rows=rows,
            overall=overall,
            labels=[
                str(getattr(TrainerEvaluation._meta.get_field(i), "verbose_name", i))
                for i in TRAINER_ITEMS
            ],
            min_answers=EVALUATION_MIN_ANSWERS,
        )
        return TemplateResponse(request, self.template_name, context)
