"""Submit a whole course for review, and approve it, in one confirmed action
(lms/services/course_review.py does the work through Wagtail's workflow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View

from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.models import CoursePage
from lms.services.course_review import (
    course_review_approve,
    course_review_items,
    course_review_submit,
)

if TYPE_CHECKING:
    from accounts.models import User


class _CourseReviewView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/course_review.html"
    header_icon = "tasks"
    mode = ""

    def _course(self, page_id: int) -> CoursePage:
        return get_object_or_404(CoursePage, pk=page_id)

    def _render(self, request, course, items, **extra):
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(
                course=course,
                items=items,
                mode=self.mode,
                page_subtitle=course.title,
                edit_url=reverse("wagtailadmin_pages:edit", args=[course.pk]),
                **extra,
            ),
        )

    def get_page_subtitle(self):
        return self.course.title if hasattr(self, "course") else ""


class CourseReviewSubmitView(_CourseReviewView):
    """GET: what will be submitted (confirmation page). POST: submit it all."""

    page_title = gettext_lazy("Submit course for review")
    mode = "submit"

    def get(self, request, page_id):
        self.course = course = self._course(page_id)
        user = cast("User", request.user)
        if not course.permissions_for_user(user).can_edit():
            raise PermissionDenied
        items = course_review_items(course=course, user=user)
        return self._render(
            request,
            course,
            [i for i in items if i.changed or i.in_review],
            actionable=[i for i in items if i.can_submit],
        )

    def post(self, request, page_id):
        course = self._course(page_id)
        submitted = course_review_submit(course=course, user=cast("User", request.user))
        if submitted:
            messages.success(
                request,
                ngettext(
                    "%(count)d page of “%(course)s” was submitted for review.",
                    "%(count)d pages of “%(course)s” were submitted for review.",
                    len(submitted),
                )
                % {"count": len(submitted), "course": course.title},
            )
        else:
            messages.info(request, _("Nothing in this course was waiting to be submitted."))
        return redirect("wagtailadmin_pages:edit", course.pk)


class CourseReviewApproveView(_CourseReviewView):
    """GET: every page of the course in review, each with links to its changes.
    POST: approve them all."""

    page_title = gettext_lazy("Approve the whole course")
    mode = "approve"

    def get(self, request, page_id):
        self.course = course = self._course(page_id)
        items = course_review_items(course=course, user=cast("User", request.user))
        actionable = [i for i in items if i.can_approve]
        if not actionable:
            raise PermissionDenied
        return self._render(
            request, course, [i for i in items if i.in_review], actionable=actionable
        )

    def post(self, request, page_id):
        course = self._course(page_id)
        approved, skipped = course_review_approve(
            course=course,
            user=cast("User", request.user),
            comment=request.POST.get("comment", "").strip()[:2000],
        )
        for page, error in skipped:
            messages.error(
                request,
                " ".join(
                    [_('"%(title)s" was not approved.') % {"title": page.title}, *error.messages]
                ),
            )
        if approved:
            messages.success(
                request,
                ngettext(
                    "%(count)d page of “%(course)s” was approved.",
                    "%(count)d pages of “%(course)s” were approved.",
                    len(approved),
                )
                % {"count": len(approved), "course": course.title},
            )
        return redirect("wagtailadmin_explore", course.get_parent().pk)


class _CourseMenuItem(ActionMenuItem):
    """A link in the course editor's action menu to one of the views above."""

    url_name = ""

    def _course(self, context) -> CoursePage | None:
        page = context.get("page")
        if context.get("view") != "edit" or page is None:
            return None
        page = page.specific
        return page if isinstance(page, CoursePage) else None

    def get_url(self, parent_context):
        return reverse(self.url_name, args=[parent_context["page"].pk])


class CourseReviewSubmitMenuItem(_CourseMenuItem):
    label = gettext_lazy("Submit course for review")
    name = "action-course-review-submit"
    icon_name = "resubmit"
    url_name = "lms_course_review_submit"

    def is_shown(self, context):
        course = self._course(context)
        if course is None or context.get("locked_for_user"):
            return False
        user = context["request"].user
        return any(i.can_submit for i in course_review_items(course=course, user=user))


class CourseReviewApproveMenuItem(_CourseMenuItem):
    label = gettext_lazy("Approve the whole course")
    name = "action-course-review-approve"
    icon_name = "success"
    url_name = "lms_course_review_approve"

    def is_shown(self, context):
        course = self._course(context)
        if course is None:
            return False
        user = context["request"].user
        return any(i.can_approve for i in course_review_items(course=course, user=user))
