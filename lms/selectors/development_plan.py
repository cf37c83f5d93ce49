"""The LMS side of the agency's development plan (docs/development-plan.md): what the
linked classroom batches and e-learning courses delivered for each plan item, the
training-needs and proposal figures HR builds the plan from, the batches and courses HR
may link, and the plan's public figures (one selector for HR and the public:
`competencies.selectors.development_plan.development_plan_report`)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from competencies.models import DevelopmentPlan, OrgUnit
from competencies.selectors.development_plan import (
    PlanReport,
    development_plan_report,
)
from lms.models import (
    Attendance,
    Batch,
    CoursePage,
    Enrolment,
    Nomination,
    PlanItemBatch,
    PlanItemCourse,
    Session,
    TrainingNeedProposal,
    TrainingNeedSupport,
)
from lms.selectors.classroom import session_jp
from lms.selectors.public import SMALL_CELL, Field, _is_small, _suppress


def _jp(value: Any) -> Decimal:
    # PostgreSQL sums numeric to Decimal; SQLite's sum of a decimal column is a float.
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def _key(value: Any) -> str:
    # An item key as the report holds it: PostgreSQL returns a UUID, SQLite its hex.
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def plan_realisation(*, plan_id: int, year: int, top_length: int) -> dict[str, dict[str, Any]]:
    """{"items": {item key: {"batches", "participants" (how many employees), "jp"}},
    "opds": {OPD path: {"participants", "jp"}}} for the plan's items with something
    linked. Batches held are the linked batches finished; their participants attended
    (present or late) a session, counted in the OPD whose quota they used, with the JP of
    the sessions attended. E-learning: completions in the plan year of the item's course
    by employees, outside a classroom batch (those count through their batch), each worth
    the course's JP. Someone counted by both counts once in the item; an OPD's
    participants are those of each item added up (someone in two items counts twice,
    as in the items' sum).

    The database counts and sums (one statement over the attendance and completion rows,
    ~55,000 at city scale, returning a row per item and per OPD): fetching the rows to
    add them up here was most of the plan report's time (bench/NOTES.md). The plan's
    items are a subquery (one parameter, not 300 keys and 400 batch ids). A session
    without JP of its own is worth its minutes (`session_jp`, the rule's one home): those
    sessions' attendances are counted per session and valued here. Three queries; four
    with such sessions."""
    from competencies.models import DevelopmentPlanItem

    keys = DevelopmentPlanItem.objects.filter(plan_id=plan_id).order_by().values("key")
    items: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"batches": 0, "participants": 0, "jp": Decimal(0)}
    )
    opds: dict[str, dict[str, Any]] = defaultdict(lambda: {"participants": 0, "jp": Decimal(0)})
    for batch_key, status in PlanItemBatch.objects.filter(item_key__in=keys).values_list(
        "item_key", "batch__status"
    ):
        items[str(batch_key)]["batches"] += int(status == Batch.Status.FINISHED)
    keys_sql, keys_params = keys.query.sql_with_params()
    # One row per participant of a linked batch who attended a session: the attendance
    # is summed per nomination (the participant's row of the batch) before anything is
    # joined to it, so the database hashes ~12,600 narrow groups in memory (summed
    # after the joins, it sorted 45,000 wide rows on disk). Raw SQL: the ORM cannot
    # join to an aggregated subquery. Tables from _meta; the values are parameters.
    present = list(Attendance.PRESENT)
    attended_sql = (
        "SELECT p.item_key, n.employee_id, COALESCE(SUBSTR(u.path, 1, %s), ''), a.jp"  # noqa: S608  # nosec B608
        " FROM (SELECT a.nomination_id, SUM(COALESCE(s.jp, 0)) AS jp"
        f" FROM {Attendance._meta.db_table} a"
        f" JOIN {Session._meta.db_table} s ON s.id = a.session_id"
        f" JOIN {PlanItemBatch._meta.db_table} p ON p.batch_id = s.batch_id"
        f" WHERE p.item_key IN ({keys_sql}) AND a.status IN ({', '.join(['%s'] * len(present))})"
        " GROUP BY a.nomination_id) a"
        f" JOIN {Nomination._meta.db_table} n ON n.id = a.nomination_id"
        f" JOIN {PlanItemBatch._meta.db_table} p ON p.batch_id = n.batch_id"
        f" LEFT JOIN {OrgUnit._meta.db_table} u ON u.id = n.unit_id"
    )
    attended_params = [top_length, *keys_params, *present]
    year_start = timezone.make_aware(datetime.datetime(year, 1, 1))  # noqa: DTZ001 - made aware
    year_end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))  # noqa: DTZ001
    completed = (
        Enrolment.objects.filter(
            course__plan_item_links__item_key__in=keys,
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=year_start,
            completed_at__lt=year_end,
            user__employee__isnull=False,
        )
        # NOT EXISTS rather than a left join filtered on NULL: PostgreSQL then estimates
        # the rows (it guessed one and joined 11,000 rows in nested loops).
        .exclude(Exists(Nomination.objects.filter(enrolment_id=OuterRef("pk"))))
        .annotate(
            key=F("course__plan_item_links__item_key"),
            person=F("user__employee__id"),
            opd=Coalesce(Substr("user__employee__unit__path", 1, top_length), Value("")),
            value=Coalesce("course__jp_hours", Value(Decimal(0))),
        )
        .values_list("key", "person", "opd", "value")
        # A course completed twice in the year counts once.
        .order_by()
        .distinct()
    )
    completed_sql, completed_params = completed.query.sql_with_params()
    # `g`: one row per item, OPD and person. Per item: its people (someone counted in two
    # OPDs of an item is one participant of it) and its JP; per OPD: its rows and JP.
    # Counts of rows grouped first rather than COUNT(DISTINCT): plain groups are hashed
    # in memory, a DISTINCT aggregate sorts.
    sql = (
        f"WITH t (k, person, opd, jp) AS ({attended_sql} UNION ALL {completed_sql}),"  # noqa: S608  # nosec B608
        " g AS (SELECT k, opd, person, SUM(jp) AS jp FROM t GROUP BY k, opd, person)"
        " SELECT 'people', k, NULL, COUNT(*), NULL FROM"
        " (SELECT k, person FROM g GROUP BY k, person) per_item GROUP BY k"
        " UNION ALL SELECT 'jp', k, NULL, NULL, SUM(jp) FROM g GROUP BY k"
        " UNION ALL SELECT 'opd', NULL, opd, COUNT(*), SUM(jp) FROM g GROUP BY opd"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*attended_params, *completed_params])
        for kind, key, unit_path, participants, jp in cursor.fetchall():
            if kind == "people":
                items[_key(key)]["participants"] = participants
            elif kind == "jp":
                items[_key(key)]["jp"] += _jp(jp)
            else:
                opds[unit_path] = {"participants": participants, "jp": _jp(jp)}
    _add_default_jp(items, opds, keys=keys, top_length=top_length)
    return {"items": dict(items), "opds": dict(opds)}


def _add_default_jp(
    items: dict[str, dict[str, Any]],
    opds: dict[str, dict[str, Any]],
    *,
    keys: QuerySet[Any],
    top_length: int,
) -> None:
    """Adds the JP of the sessions without their own (`session_jp`) of the batches linked
    to `keys` to the items' and the OPDs' figures: their attendances counted per item,
    OPD and session by the database. One query; two with such sessions."""
    default_jp: dict[int, Decimal] = {
        s.pk: session_jp(s)
        for s in Session.objects.filter(
            batch__plan_item_link__item_key__in=keys, jp__isnull=True
        ).only("batch_id", "jp", "date", "start_time", "end_time")
    }
    if not default_jp:
        return
    counted = (
        Attendance.objects.filter(session_id__in=list(default_jp), status__in=Attendance.PRESENT)
        .values_list(
            "session__batch__plan_item_link__item_key",
            Coalesce(Substr("nomination__unit__path", 1, top_length), Value("")),
            "session_id",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for key, unit_path, session_id, n in counted:
        jp = n * default_jp[session_id]
        items[str(key)]["jp"] += jp
        opds[unit_path]["jp"] += jp


def plan_sources_from_lms(
    *, competency_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Per competency: open proposals and their votes (employees' proposals), and the
    live courses that close its gaps (the training-needs report's course links). Three
    queries."""
    from lms.models import CourseCompetency

    proposals = TrainingNeedProposal.objects.filter(status__in=TrainingNeedProposal.SUPPORTABLE)
    if competency_ids is not None:
        proposals = proposals.filter(competency_id__in=list(competency_ids))
    sources: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"proposals": 0, "votes": 0, "course": None}
    )
    for competency_id, n in (
        proposals.values_list("competency_id").annotate(n=Count("pk")).order_by()
    ):
        sources[competency_id]["proposals"] = n
    votes = TrainingNeedSupport.objects.filter(proposal__in=proposals)
    for competency_id, n in (
        votes.values_list("proposal__competency_id").annotate(n=Count("pk")).order_by()
    ):
        sources[competency_id]["votes"] = n
    links = CourseCompetency.objects.filter(course__live=True).order_by(
        "-target_level", "course_id"
    )
    if competency_ids is not None:
        links = links.filter(competency_id__in=list(competency_ids))
    for competency_id, course_id, title in links.values_list(
        "competency_id", "course_id", "course__title"
    ):
        if sources[competency_id]["course"] is None:
            sources[competency_id]["course"] = {"id": course_id, "title": title}
    return dict(sources)


def plan_batch_choices() -> QuerySet[Batch]:
    """Batches HR may link to an item: not cancelled, not yet linked."""
    return (
        Batch.objects.exclude(status=Batch.Status.CANCELLED)
        .filter(plan_item_link__isnull=True)
        .select_related("course")
        .order_by("-starts_on")
    )


def plan_course_choices() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().order_by("title")


def plan_item_links(*, item_keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{item key: {"batches": [Batch], "course": CoursePage | None}}. Two queries."""
    keys = [str(k) for k in item_keys]
    links: dict[str, dict[str, Any]] = {k: {"batches": [], "course": None} for k in keys}
    for link in PlanItemBatch.objects.filter(item_key__in=keys).select_related("batch__course"):
        links[str(link.item_key)]["batches"].append(link.batch)
    for course_link in PlanItemCourse.objects.filter(item_key__in=keys).select_related("course"):
        links[str(course_link.item_key)]["course"] = course_link.course
    return links


# PUBLIC FIGURES ---------------------------------------------------------------------------

PLAN_FIELDS: tuple[Field, ...] = (
    Field("item", "text"),
    Field("competency", "text"),
    Field("route", "text"),
    Field("target_kind", "text"),
    Field("funding", "text"),
    Field("target_size", "people"),
    Field("planned_batches", "courses"),
    Field("planned_participants", "courses"),
    Field("planned_jp", "courses"),
    Field("planned_cost", "courses"),
    Field("batches_held", "courses"),
    Field("spent", "courses"),
    Field("participants", "people"),
    Field("below_standard_at_plan", "people"),
    Field("gaps_closed", "people"),
    # JP of a handful of participants would show what those people did; the costs per
    # participant and per JP would give the count back.
    Field("jp_delivered", "derived", ("participants",)),
    Field("cost_per_participant", "derived", ("participants",)),
    Field("cost_per_jp", "derived", ("participants",)),
)
PLAN_PEOPLE_FIELDS = tuple(f for f in PLAN_FIELDS if f.kind == "people")
PLAN_DERIVED_FIELDS = tuple(f for f in PLAN_FIELDS if f.kind == "derived")


def _per(amount: Decimal, count: Decimal | int) -> int | None:
    return int(round(amount / count)) if count else None


def _plan_raw(row: Any) -> dict[str, Any]:
    return {
        "target_size": row.target_size,
        "planned_batches": row.planned_batches,
        "planned_participants": row.planned_participants,
        "planned_jp": float(row.planned_jp),
        "planned_cost": int(round(row.planned_cost)),
        "batches_held": row.batches_held,
        "spent": int(round(row.spent)),
        "participants": row.participants,
        "below_standard_at_plan": row.below_at_plan,
        "gaps_closed": row.gaps_closed,
        "_jp": row.jp_delivered,
        "_spent": row.spent,
    }


def _plan_derived(name: str, raw: dict[str, Any]) -> float | int | None:
    if name == "jp_delivered":
        return float(raw["_jp"])
    if name == "cost_per_participant":
        return _per(raw["_spent"], raw["participants"])
    if name == "cost_per_jp":
        return _per(raw["_spent"], raw["_jp"])
    raise ValueError(name)


def _public_row(raw: dict[str, Any], text: dict[str, str]) -> dict[str, Any]:
    hidden = [f.name for f in PLAN_PEOPLE_FIELDS if _is_small(raw[f.name])]
    row: dict[str, Any] = {**text, "suppressed": hidden}
    for f in PLAN_FIELDS:
        if f.kind in ("people", "courses"):
            row[f.name] = None if f.name in hidden else raw[f.name]
    return row


def plan_public_figures(*, year: int) -> dict[str, Any] | None:
    """`plan_public_figures_compute`, cached per year like the dashboard's other figures
    (PUBLIC_FIGURES_CACHE_SECONDS, a quarter of an hour by default) under a version that
    an approval, a realisation link and a spending entry bump when they commit
    (`plan_public_figures_changed`): those show on the very next request."""
    from django.conf import settings
    from django.core.cache import cache

    from competencies.models.development_plan import PUBLIC_FIGURES_VERSION_KEY
    from config import request_cache
    from lms.selectors.public import DEFAULT_CACHE_SECONDS

    version = request_cache.version(PUBLIC_FIGURES_VERSION_KEY)
    key = f"lms:public-plan:v1:{version}:{year}"
    figures = cache.get(key)
    if figures is None:
        figures = plan_public_figures_compute(year=year) or {}
        timeout = getattr(settings, "PUBLIC_FIGURES_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
        cache.set(key, figures, timeout)
    return figures or None


def plan_public_figures_compute(*, year: int) -> dict[str, Any] | None:
    """The approved plan of `year` and its realisation for the public dashboard, from
    HR's own report (`development_plan_report`): per item and in total, with counts of
    people below SMALL_CELL suppressed (and, when exactly one item's count is, the
    smallest other one or the total; see lms.selectors.public._suppress). None when the
    year has no approved plan. No personal data: items, money, counts."""
    plan = DevelopmentPlan.objects.filter(year=year, status=DevelopmentPlan.Status.APPROVED).first()
    if plan is None:
        return None
    report: PlanReport = development_plan_report(plan=plan)
    raws, rows = [], []
    for r in report.items:
        raw = _plan_raw(r)
        raws.append(raw)
        rows.append(
            _public_row(
                raw,
                {
                    "item": r.item.title,
                    "competency": f"{r.item.competency.code} {r.item.competency.name}",
                    "route": r.item.get_route_display(),
                    "target_kind": r.item.get_target_kind_display(),
                    "funding": r.item.get_funding_display(),
                },
            )
        )
    raw_total = _plan_raw(report.total)
    total = _public_row(
        raw_total,
        {"item": "TOTAL", "competency": "", "route": "", "target_kind": "", "funding": ""},
    )
    _suppress(rows, raws, total, fields=PLAN_PEOPLE_FIELDS)
    for row, raw in [*zip(rows, raws, strict=True), (total, raw_total)]:
        for f in PLAN_DERIVED_FIELDS:
            hidden = any(i in row["suppressed"] for i in f.of)
            row[f.name] = None if hidden else _plan_derived(f.name, raw)
            if hidden:
                row["suppressed"].append(f.name)
    return {
        "year": year,
        "revision": plan.revision,
        "approved_at": plan.approved_at.isoformat(timespec="seconds") if plan.approved_at else None,
        "items": rows,
        "total": total,
    }


__all__ = [
    "PLAN_FIELDS",
    "SMALL_CELL",
    "plan_batch_choices",
    "plan_course_choices",
    "plan_item_links",
    "plan_public_figures",
    "plan_realisation",
    "plan_sources_from_lms",
]
