"""The course catalogue: live courses filtered and searched a page at a time, the status
badge on each card, and the courses that close competency gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from wagtail.models import PageViewRestriction

from config import request_cache
from lms.cache import content_key
from lms.models import CourseCompetency, CourseIndexPage, CoursePage, Enrolment, LessonPage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


CATALOGUE_PAGE_SIZE = 12


def _competency_prefetch() -> Prefetch:
    return Prefetch(
        "course_competencies",
        queryset=CourseCompetency.objects.select_related("competency").order_by("sort_order"),
    )


def course_list_for_catalogue(
    *, index: CourseIndexPage | None, filters: dict[str, Any], page_number: Any = None
) -> PaginatorPage:
    """Live courses, filtered and searched, one page at a time."""
    # `.public()` reads every view restriction first (one more query); this is the same
    # filter (no restriction on the course or an ancestor) inside the course query.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    qs = CoursePage.objects.live().filter(~Exists(restricted))
    if index is not None:
        qs = qs.child_of(index)
    if filters.get("competency"):
        qs = qs.filter(course_competencies__competency=filters["competency"])
    if filters.get("delivery_mode"):
        qs = qs.filter(delivery_mode=filters["delivery_mode"])
    if filters.get("language"):
        qs = qs.filter(language=filters["language"])
    if filters.get("unit"):
        qs = qs.filter(offering_unit=filters["unit"])
    if filters.get("jp_min") is not None:
        qs = qs.filter(jp_hours__gte=filters["jp_min"])
    if filters.get("jp_max") is not None:
        qs = qs.filter(jp_hours__lte=filters["jp_max"])
    if filters.get("q"):
        qs = qs.filter(pk__in=course_ids_matching(query=filters["q"]))
    if filters.get("competency"):
        # The only filter that joins (a course links a competency once per level): the
        # others, and the unfiltered list, count and list without DISTINCT.
        qs = qs.distinct()
    qs = (
        qs.select_related("offering_unit", "image")
        .prefetch_related(_competency_prefetch())
        .order_by("title")
    )
    paginator = Paginator(qs, CATALOGUE_PAGE_SIZE)
    if index is not None and not any(v not in (None, "") for v in filters.values()):
        # The unfiltered count, cached under the content version (lms/cache.py): any page
        # saved, published, unpublished, moved or deleted, or a view restriction changed,
        # counts afresh.
        from lms.cache import content_key, versioned_get, versioned_set

        key = content_key("catalogue-count", index.pk)
        count = versioned_get(key)
        if count is None:
            count = paginator.count
            versioned_set(key, count)
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(page_number)


# What a catalogue card says about the signed-in learner's current enrolment.
CATALOGUE_STATUS_LABELS = {
    Enrolment.Status.ACTIVE: _("Enrolled"),
    Enrolment.Status.COMPLETED: _("Completed"),
    Enrolment.Status.REQUESTED: _("Awaiting approval"),
}


def catalogue_statuses_for_user(
    *, user: User | AnonymousUser, course_ids: list[int]
) -> dict[int, str]:
    """Course id → the status of `user`'s current enrolment in it (enrolled, completed or
    awaiting approval; declined and withdrawn ones say nothing), for the catalogue cards
    of one page: one query, none for an anonymous visitor."""
    if not user.is_authenticated or not course_ids:
        return {}
    return dict(
        Enrolment.objects.filter(
            user=user,
            course_id__in=course_ids,
            is_current=True,
            status__in=list(CATALOGUE_STATUS_LABELS),
        ).values_list("course_id", "status")
    )


def course_ids_matching(*, query: str) -> set[int]:
    """Courses whose own text or any live lesson's content matches (Wagtail search)."""
    ids = {page.pk for page in CoursePage.objects.live().search(query)}
    lesson_paths = [page.path for page in LessonPage.objects.live().search(query)]
    if lesson_paths:
        steplen = CoursePage.steplen
        parent_paths = {path[:-steplen] for path in lesson_paths}
        ids |= set(CoursePage.objects.filter(path__in=parent_paths).values_list("pk", flat=True))
    return ids


def course_list_for_gaps(*, gaps: dict[int, int]) -> dict[int, list[CoursePage]]:
    """Competency id → required level  ⇒  live courses that develop that competency up to
    at least that level (best match first: the lowest sufficient target level).

    The same for everyone with the same gaps (the competency profile of every holder of
    a position): kept in this process under the content version (a course published,
    unpublished, retitled or its competencies changed gives a new key), not in Redis, so
    a page that reads it makes no cache round trip of its own."""
    if not gaps:
        return {}
    key = content_key("gap-courses", *sorted(gaps.items()))
    result = request_cache.local_get(key)
    if result is None:
        result = _course_list_for_gaps(gaps=gaps)
        request_cache.local_set(key, result)
    return result


def _course_list_for_gaps(*, gaps: dict[int, int]) -> dict[int, list[CoursePage]]:
    result: dict[int, list[CoursePage]] = {competency_id: [] for competency_id in gaps}
    condition = Q()
    for competency_id, level in gaps.items():
        condition |= Q(competency_id=competency_id, target_level__gte=level)
    links = (
        CourseCompetency.objects.filter(condition, course__live=True)
        .select_related("course")
        .order_by("target_level", "course__title")
    )
    for link in links:
        result[link.competency_id].append(link.course)
    return result
