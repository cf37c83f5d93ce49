"""The question bank in the Wagtail admin: trainers see and edit the questions of the
courses they own or teach; administrators see every bank."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from lms.models import CoursePage, Question


def _course_scope(user):
    """Trainers see the question banks of the courses they own or teach."""
    if user.is_superuser or user.has_perm("portal.manage_site"):
        return CoursePage.objects.all()
    return CoursePage.objects.filter(Q(owner=user) | Q(trainers=user)).distinct()


def _check_scope(request, question: Question) -> None:
    if not _course_scope(request.user).filter(pk=question.course_id).exists():
        raise PermissionDenied


class QuestionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(course__in=_course_scope(self.request.user))
            .select_related("course", "competency")
        )


class CourseScopedFormMixin:
    """The course field offers only the courses the trainer owns or teaches."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)  # type: ignore[misc]
        form.fields["course"].queryset = _course_scope(self.request.user)  # type: ignore[attr-defined]
        return form


class QuestionCreateView(CourseScopedFormMixin, CreateView):
    pass


class QuestionEditView(CourseScopedFormMixin, EditView):
    def get_object(self, queryset=None):
        question = super().get_object(queryset)
        _check_scope(self.request, question)
        return question


class QuestionDeleteView(DeleteView):
    def get_object(self, queryset=None):
        question = super().get_object(queryset)
        _check_scope(self.request, question)
        return question


class ScopedQuestionObjectMixin:
    """History and usage look the question up among the trainer's own courses (Wagtail's
    look it up on the model: any trainer could read another course's bank there)."""

    request: Any

    def get_base_object_queryset(self):
        return Question.objects.filter(course__in=_course_scope(self.request.user))


class QuestionHistoryView(ScopedQuestionObjectMixin, HistoryView):
    pass


class QuestionUsageView(ScopedQuestionObjectMixin, UsageView):
    pass


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["prompt", "course", "kind", "difficulty", "competency"]
    list_filter = ["kind", "difficulty", "competency"]
    search_fields = ["prompt"]
    index_view_class = QuestionIndexView
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    # Wagtail's copy view opens any question (options, right answers, explanation) to
    # anyone who may add one; a trainer writes a new question instead.
    copy_view_enabled = False
