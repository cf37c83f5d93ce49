"""A course goes to review, and is approved, as one unit.

The course page and every child page with unpublished changes (lessons, quizzes) are
submitted to the course's Wagtail workflow ("Penerbitan kursus", lms.services.authoring)
in one action, and the reviewer approves the current task of all of them in one action.
Nothing here replaces Wagtail's moderation: each page still gets its own `WorkflowState`
(started with `workflow.start(page, user)`, resumed when changes were requested) and each
approval is the task's own `on_action(..., "approve")`, so the page history, the
notifications and the publishing are Wagtail's. A page is included only when the user
could submit (or approve) it on its own edit page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wagtail.models import Page, WorkflowState

if TYPE_CHECKING:
    from accounts.models import User
    from lms.models import CoursePage


@dataclass
class ReviewItem:
    page: Page
    changed: bool  # a draft, or a live page with unpublished changes
    in_review: bool  # a workflow is in progress (or waiting for changes)
    can_submit: bool
    can_approve: bool


def _course_pages(course: CoursePage) -> list[Page]:
    return [course, *course.get_descendants().specific().order_by("path")]


def _can_approve(page: Page, user: User) -> bool:
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return False
    task_state = state.current_task_state
    if task_state is None:
        return False
    actions = task_state.task.specific.get_actions(page, user)
    return any(name == "approve" for name, *_rest in actions)


def course_review_items(*, course: CoursePage, user: User) -> list[ReviewItem]:
    """The course and its descendants with what `user` may do with each."""
    items = []
    for page in _course_pages(course):
        perms = page.permissions_for_user(user)
        changed = not page.live or page.has_unpublished_changes
        state = page.current_workflow_state
        items.append(
            ReviewItem(
                page=page,
                changed=changed,
                in_review=state is not None,
                can_submit=changed and perms.can_edit() and perms.can_submit_for_moderation(),
                can_approve=_can_approve(page, user),
            )
        )
    return items


def course_review_submit(*, course: CoursePage, user: User) -> list[Page]:
    """Submits the course and its changed children that `user` may submit. A page waiting
    for changes resumes its workflow, as Wagtail's edit view does. Safe to run twice: a
    page already in review is skipped. Returns the submitted pages."""
    items = course_review_items(course=course, user=user)
    if not course.permissions_for_user(user).can_edit():
        raise PermissionDenied
    submitted = []
    with transaction.atomic():
        for item in items:
            if not item.can_submit:
                continue
            page = item.page
            if page.latest_revision is None:
                page.save_revision(user=user, log_action=True)
            state = page.current_workflow_state
            if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
                state.resume(user)
            else:
                page.get_workflow().start(page, user)
            submitted.append(page)
    return submitted


def course_review_approve(
    *, course: CoursePage, user: User, comment: str = ""
) -> tuple[list[Page], list[tuple[Page, ValidationError]]]:
    """Approves the current task of the course and of each child in review that `user`
    may approve (the last task publishes, as in Wagtail). A page whose revision fails the
    model's validation on publishing is rolled back alone and left in review, so the rest
    of the course is still approved. Returns the approved pages and the skipped ones with
    their errors."""
    items = [i for i in course_review_items(course=course, user=user) if i.can_approve]
    if not items:
        raise PermissionDenied
    approved: list[Page] = []
    skipped: list[tuple[Page, ValidationError]] = []
    with transaction.atomic():
        for item in items:
            task_state = item.page.current_workflow_state.current_task_state
            try:
                with transaction.atomic():
                    task_state.task.specific.on_action(task_state, user, "approve", comment=comment)
            except ValidationError as error:
                skipped.append((item.page, error))
                continue
            approved.append(item.page)
    return approved, skipped
