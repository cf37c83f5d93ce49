from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
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


@hooks.register("register_admin_viewset")
def register_question_viewset():
    return QuestionViewSet("lms_questions")


class TrainerReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("portal.author_courses") or request.user.has_perm(
            "portal.access_hr"
        )


@hooks.register("register_admin_menu_item")
def register_trainer_reports_menu_item():
    return TrainerReportsMenuItem(
        _("Learner reports"),
        reverse("lms:trainer_courses"),
        icon_name="table",
        order=260,
    )
