"""Reads for the public pages (docs/transparency.md): the front page blocks, the
news index, the transparency figures per perangkat daerah and the accountability log.

Nothing here returns personal data. The figures are aggregates built on HR's own
compliance selectors (`jp_unit_summary`, `jp_by_employee_summary`, `assignment_unit_figures`), so
the public sees the numbers HR sees; every count below SMALL_CELL is suppressed (see
`_suppress` for the rule)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from wagtail.models import ModelLogEntry, PageLogEntry

from competencies.models import Employee, OrgUnit
from competencies.selectors.compliance import assignment_unit_figures, jp_unit_summary
from competencies.selectors.summaries import jp_by_employee_summary
from lms.cache import content_key, versioned_get, versioned_set
from lms.models import (
    Attendance,
    Batch,
    Certificate,
    CourseEvaluation,
    CoursePage,
    Enrolment,
    NewsIndexPage,
    NewsPage,
    Session,
)
from lms.selectors.classroom import session_jp

if TYPE_CHECKING:
    from lms.models import HomePage

SMALL_CELL = 5
# The CSV marker of a suppressed cell ("x", as statistics offices use): not "<5", because
# a cell hidden by secondary suppression may hold a larger number.
SUPPRESSED = "x"
# Bumped when the suppression rules change, so that no figure cached under the old
# rules is served (2: jp_average hidden with employees_trained).
CACHE_VERSION = 3  # 3: classroom figures added
# Figures change slowly (completions, certificates); a quarter of an hour keeps the page
# cheap under load and fresh enough. PUBLIC_FIGURES_CACHE_SECONDS overrides it.
DEFAULT_CACHE_SECONDS = 15 * 60
FIRST_YEAR = 2020


# FRONT PAGE AND NEWS ---------------------------------------------------------------------


def featured_courses(*, home: HomePage) -> list[CoursePage]:
    """The courses chosen by the administrators (live ones, in their order) or, if none
    is chosen, the latest published. One query."""
    courses = (
        CoursePage.objects.live()
        .public()
        .select_related("offering_unit")
        .prefetch_related("course_competencies__competency")
    )
    chosen = list(courses.filter(pk__in=home.featured_courses.values("course_id")).order_by())
    if chosen:
        order = {
            course_id: i
            for i, course_id in enumerate(home.featured_courses.values_list("course_id", flat=True))
        }
        return sorted(chosen, key=lambda c: order.get(c.pk, 0))
    if not home.featured_count:
        return []
    return list(courses.order_by("-first_published_at", "-pk")[: home.featured_count])


def home_page_blocks(*, home: HomePage, cached: bool = True) -> dict[str, Any]:
    """The home page's featured courses and latest news. The same for every visitor, so
    kept per process under the content version (lms/cache.py: any page saved, published,
    unpublished, moved or deleted, a view restriction or a course's competencies changed
    gives a new key); `cached=False` (a preview) reads them afresh."""
    if not cached:
        return _home_page_blocks(home=home)
    key = content_key("home-blocks", home.pk)
    blocks = versioned_get(key)
    if blocks is None:
        blocks = _home_page_blocks(home=home)
        versioned_set(key, blocks)
    return blocks


def _home_page_blocks(*, home: HomePage) -> dict[str, Any]:
    news_index = NewsIndexPage.objects.live().child_of(home).first()
    latest_news = (
        list(NewsPage.objects.live().public().child_of(news_index).order_by("-date", "-pk")[:3])
        if news_index
        else []
    )
    return {
        "featured_courses": featured_courses(home=home),
        "news_index": news_index,
        "latest_news": latest_news,
    }


def news_list(*, index: NewsIndexPage, page_number: Any, per_page: int = 10) -> PaginatorPage:
    """Live news without a view restriction (login, group, password): the lists are
    public, so a restricted item's title would leak."""
    news = NewsPage.objects.live().public().child_of(index).order_by("-date", "-pk")
    return Paginator(news, per_page).get_page(page_number)


# TRANSPARENCY FIGURES --------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "people", "events", "courses", "derived", "text"
    # For people/event counts: the field counting the whole group (its complement
    # would reveal a small group too). For derived fields: the counts it is computed from.
    of: tuple[str, ...] = ()


UNIT_FIELDS: tuple[Field, ...] = (
    Field("unit_code", "text"),
    Field("unit_name", "text"),
    Field("employees", "people"),
    Field("employees_trained", "people", ("employees",)),
    # JP total ÷ employees: hidden with the count of those trained too, or 1.2 × 5 would
    # reveal the JP of the one trained person.
    Field("jp_average", "derived", ("employees", "employees_trained")),
    Field("employees_meeting_target", "people", ("employees",)),
    Field("share_meeting_target_pct", "derived", ("employees", "employees_meeting_target")),
    Field("courses_offered", "courses"),
    Field("course_completions", "events"),
    Field("certificates_issued", "events"),
    Field("assignments", "events"),
    Field("assignments_completed", "events", ("assignments",)),
    Field("assignment_completion_pct", "derived", ("assignments", "assignments_completed")),
    # Classroom training (docs/classroom.md), batches finished in the year: batches the
    # agency organised (not about people, like courses_offered), its employees who
    # attended at least one session, and the session JP they attended (hidden with the
    # participants, or the JP of a small group would show).
    Field("classroom_batches", "courses"),
    Field("classroom_participants", "people", ("employees",)),
    Field("classroom_jp", "derived", ("classroom_participants",)),
)
COUNT_FIELDS = tuple(f for f in UNIT_FIELDS if f.kind in ("people", "events"))
DERIVED_FIELDS = tuple(f for f in UNIT_FIELDS if f.kind == "derived")
# Per programme (course run as classroom batches): the same three figures.
PROGRAMME_FIELDS: tuple[Field, ...] = (
    Field("course_title", "text"),
    Field("classroom_batches", "courses"),
    Field("classroom_participants", "people"),
    Field("classroom_jp", "derived", ("classroom_participants",)),
)
PROGRAMME_COUNT_FIELDS = tuple(f for f in PROGRAMME_FIELDS if f.kind == "people")
PROGRAMME_DERIVED_FIELDS = tuple(f for f in PROGRAMME_FIELDS if f.kind == "derived")
COURSE_FIELDS = (
    "course_title",
    "evaluations",
    "content_rating",
    "trainer_rating",
    "usefulness_rating",
    "overall_rating",
)


def _is_small(value: int | None) -> bool:
    return value is not None and 0 < value < SMALL_CELL


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _derived_value(name: str, raw: dict[str, Any]) -> float | None:
    if name == "jp_average":
        return round(float(raw["jp_total"] / raw["employees"]), 1) if raw["employees"] else None
    if name == "share_meeting_target_pct":
        return _pct(raw["employees_meeting_target"], raw["employees"])
    if name == "assignment_completion_pct":
        return _pct(raw["assignments_completed"], raw["assignments"])
    if name == "classroom_jp":
        return float(raw["classroom_jp"])
    raise ValueError(name)


def _derive(
    row: dict[str, Any], raw: dict[str, Any], fields: tuple[Field, ...] = DERIVED_FIELDS
) -> None:
    """Fills the derived fields from the raw (unsuppressed) counts, or None when one of
    their inputs is suppressed."""
    for f in fields:
        hidden = any(i in row["suppressed"] for i in f.of)
        value = _derived_value(f.name, raw)
        if hidden:
            row["suppressed"].append(f.name)
            value = None
        row[f.name] = value


def _suppress_primary(raw: dict[str, Any]) -> list[str]:
    """A count of 1–4 is hidden; so is a count whose complement within its group is 1–4
    (23 of 25 trained would reveal that 2 were not). A unit with fewer than five
    employees shows none of its people figures."""
    hidden: list[str] = []
    if _is_small(raw["employees"]):
        hidden += [f.name for f in COUNT_FIELDS if f.kind == "people"]
    for f in COUNT_FIELDS:
        if f.name in hidden:
            continue
        value = raw[f.name]
        whole = raw[f.of[0]] if f.of else None
        if _is_small(value) or (whole is not None and _is_small(whole - value)):
            hidden.append(f.name)
    return hidden


def _suppress(
    rows: list[dict[str, Any]],
    raws: list[dict[str, Any]],
    total: dict,
    fields: tuple[Field, ...] = COUNT_FIELDS,
) -> None:
    """Secondary suppression: when exactly one unit's (or programme's) cell in a column
    is hidden, the city total would reveal it, so the smallest other non-zero cell of that
    column is hidden too (or, if there is none, the total)."""
    for f in fields:
        hidden = [r for r in rows if f.name in r["suppressed"]]
        if len(hidden) != 1:
            continue
        candidates = [
            (raw[f.name], i)
            for i, (row, raw) in enumerate(zip(rows, raws, strict=True))
            if f.name not in row["suppressed"] and raw[f.name]
        ]
        if candidates:
            _, i = min(candidates)
            rows[i]["suppressed"].append(f.name)
            rows[i][f.name] = None
        else:
            total["suppressed"].append(f.name)
            total[f.name] = None


def _row(raw: dict[str, Any], hidden: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"unit_code": raw["unit_code"], "unit_name": raw["unit_name"]}
    row["suppressed"] = list(hidden)
    for f in COUNT_FIELDS:
        row[f.name] = None if f.name in hidden else raw[f.name]
    for f in UNIT_FIELDS:
        if f.kind == "courses":
            row[f.name] = raw[f.name]
    return row


def _programme_row(raw: dict[str, Any]) -> dict[str, Any]:
    """A programme's row: the participant count hidden when 1–4 (no complement: a course
    has no group size of its own)."""
    hidden = [f.name for f in PROGRAMME_COUNT_FIELDS if _is_small(raw[f.name])]
    row: dict[str, Any] = {"suppressed": hidden}
    for f in PROGRAMME_FIELDS:
        if f.kind != "derived":
            row[f.name] = None if f.name in hidden else raw[f.name]
    return row


def _by_top_unit(rows: Any, length: int, key: str = "top_path") -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[(row[key] or "")[:length]] += row["n"]
    return counts


@dataclass
class _ClassroomRaw:
    """Unsuppressed classroom figures of one year, per top unit path and per course."""

    batches_by_unit: dict[str, int]
    people_by_unit: dict[str, set[int]]
    jp_by_unit: dict[str, Decimal]
    people: set[int]
    jp: Decimal
    programmes: list[dict[str, Any]]


def _classroom_raw(*, year: int, length: int) -> _ClassroomRaw:
    """Batches finished in `year` (by their end date): per organising agency the batches;
    per the participant's OPD (the nomination's unit) the employees who attended (present
    or late) at least one session, and the session JP they attended; the same per course.
    Two queries."""
    finished = Batch.objects.filter(status=Batch.Status.FINISHED, ends_on__year=year)
    grouped = list(
        finished.values("course_id", "course__title", top_path=F("unit__path"))
        .annotate(n=Count("pk"))
        .order_by("course__title", "course_id")
    )
    batches_by_unit = _by_top_unit(grouped, length)
    attended = Attendance.objects.filter(
        session__batch__in=finished, status__in=Attendance.PRESENT
    ).values_list(
        "session__jp", "session__date", "session__start_time", "session__end_time",
        "nomination__employee_id", "nomination__unit__path", "session__batch__course_id",
    )  # fmt: skip
    people_by_unit: dict[str, set[int]] = defaultdict(set)
    jp_by_unit: dict[str, Decimal] = defaultdict(Decimal)
    people_by_course: dict[int, set[int]] = defaultdict(set)
    jp_by_course: dict[int, Decimal] = defaultdict(Decimal)
    people: set[int] = set()
    total_jp = Decimal(0)
    for jp_set, date, start, end, employee_id, path, course_id in attended:
        jp = session_jp(Session(jp=jp_set, date=date, start_time=start, end_time=end))
        top = (path or "")[:length]
        people_by_unit[top].add(employee_id)
        jp_by_unit[top] += jp
        people_by_course[course_id].add(employee_id)
        jp_by_course[course_id] += jp
        people.add(employee_id)
        total_jp += jp
    courses: dict[int, dict[str, Any]] = {}
    for g in grouped:  # in title order
        course = courses.setdefault(g["course_id"], {"title": g["course__title"], "n": 0})
        course["n"] += g["n"]
    programmes = [
        {
            "course_title": c["title"],
            "classroom_batches": c["n"],
            "classroom_participants": len(people_by_course.get(course_id, ())),
            "classroom_jp": jp_by_course.get(course_id, Decimal(0)),
        }
        for course_id, c in courses.items()
    ]
    return _ClassroomRaw(
        batches_by_unit=batches_by_unit,
        people_by_unit=people_by_unit,
        jp_by_unit=jp_by_unit,
        people=people,
        jp=total_jp,
        programmes=programmes,
    )


def _raw_unit_figures(
    *, year: int, target: int
) -> tuple[list[dict[str, Any]], dict, list[dict[str, Any]]]:
    """Unsuppressed figures per perangkat daerah, for the whole city and per classroom
    programme. Eleven queries."""
    units = list(OrgUnit.get_root_nodes().order_by("path"))
    employees = Employee.objects.all()
    # HR's own selectors: active employees, JP and the target rule, assignments.
    summaries = jp_unit_summary(units=units, employees=employees, year=year, target=target)
    assignment_figures = assignment_unit_figures(units=units, employees=employees)
    active = Employee.objects.filter(is_active=True)
    jp = jp_by_employee_summary(year=year, employee_ids=active.values("pk"))  # as the summaries
    length = len(units[0].path) if units else 0
    trained: dict[str, int] = defaultdict(int)
    for pk, path in active.values_list("pk", "unit__path"):
        if jp.get(pk):
            trained[(path or "")[:length]] += 1

    year_end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))  # noqa: DTZ001
    offered = _by_top_unit(
        CoursePage.objects.live()
        .filter(first_published_at__lt=year_end)
        .values(top_path=F("offering_unit__path"))
        .annotate(n=Count("pk"))
        .order_by(),
        length,
    )
    completions = _by_top_unit(
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, completed_at__year=year)
        .values(top_path=F("user__employee__unit__path"))
        .annotate(n=Count("pk"))
        .order_by(),
        length,
    )
    certificates = _by_top_unit(
        Certificate.objects.filter(
            status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
            issued_at__year=year,
        )
        .values(top_path=F("user__employee__unit__path"))
        .annotate(n=Count("pk"))
        .order_by(),
        length,
    )
    classroom = _classroom_raw(year=year, length=length)
    raws: list[dict[str, Any]] = []
    for s in summaries:
        path = s.unit.path
        assigned, done, _overdue = assignment_figures.get(path, (0, 0, 0))
        raws.append(
            {
                "unit_code": s.unit.code,
                "unit_name": s.unit.name,
                "employees": s.employees,
                "employees_trained": trained.get(path, 0),
                "jp_total": s.jp_total,
                "employees_meeting_target": s.meeting_target,
                "courses_offered": offered.get(path, 0),
                "course_completions": completions.get(path, 0),
                "certificates_issued": certificates.get(path, 0),
                "assignments": assigned,
                "assignments_completed": done,
                "classroom_batches": classroom.batches_by_unit.get(path, 0),
                "classroom_participants": len(classroom.people_by_unit.get(path, ())),
                "classroom_jp": classroom.jp_by_unit.get(path, Decimal(0)),
            }
        )
    total: dict[str, Any] = {"unit_code": "", "unit_name": ""}
    for key in (
        "employees",
        "employees_trained",
        "jp_total",
        "employees_meeting_target",
        "assignments",
        "assignments_completed",
    ):
        start: Any = Decimal(0) if key == "jp_total" else 0
        total[key] = sum((r[key] for r in raws), start)
    # City-wide course, completion and certificate counts include those outside any unit.
    total["courses_offered"] = sum(offered.values())
    total["course_completions"] = sum(completions.values())
    total["certificates_issued"] = sum(certificates.values())
    total["classroom_batches"] = sum(classroom.batches_by_unit.values())
    total["classroom_participants"] = len(classroom.people)
    total["classroom_jp"] = classroom.jp
    return raws, total, classroom.programmes


def _course_ratings(*, year: int) -> list[dict[str, Any]]:
    """Average evaluation per course for evaluations submitted in `year` (the same
    averages as `lms.selectors.trainer.evaluation_summary`, grouped). One query."""
    rows = (
        CourseEvaluation.objects.filter(submitted_at__year=year, course__isnull=False)
        .values("course_id", "course__title")
        .annotate(
            count=Count("pk"),
            content=Avg("content_rating"),
            trainer=Avg("trainer_rating"),
            usefulness=Avg("usefulness_rating"),
        )
        .order_by("course__title", "course_id")
    )
    courses = []
    for r in rows:
        small = r["count"] < SMALL_CELL
        ratings = [r["content"], r["trainer"], r["usefulness"]]
        courses.append(
            {
                "course_title": r["course__title"],
                "evaluations": None if small else r["count"],
                "content_rating": None if small else round(r["content"], 2),
                "trainer_rating": None if small else round(r["trainer"], 2),
                "usefulness_rating": None if small else round(r["usefulness"], 2),
                "overall_rating": None if small else round(sum(ratings) / 3, 2),
                "suppressed": list(COURSE_FIELDS[1:]) if small else [],
            }
        )
    return courses


def public_figures_compute(*, year: int, target: int) -> dict[str, Any]:
    """The suppressed figures for one year: plain data (JSON-ready), cached by
    `public_figures`."""
    raws, raw_total, programme_raws = _raw_unit_figures(year=year, target=target)
    rows = [_row(raw, _suppress_primary(raw)) for raw in raws]
    total = _row(raw_total, _suppress_primary(raw_total))
    total["unit_code"] = ""
    _suppress(rows, raws, total)
    # Programmes: the same rule on the participant counts (their total is the city's).
    programmes = [_programme_row(raw) for raw in programme_raws]
    _suppress(programmes, programme_raws, total, fields=PROGRAMME_COUNT_FIELDS)
    for row, raw in zip(rows, raws, strict=True):
        _derive(row, raw)
    _derive(total, raw_total)
    for row, raw in zip(programmes, programme_raws, strict=True):
        _derive(row, raw, PROGRAMME_DERIVED_FIELDS)
    return {
        "year": year,
        "jp_target": target,
        "small_cell_threshold": SMALL_CELL,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "units": rows,
        "total": total,
        "courses": _course_ratings(year=year),
        "classroom_programmes": programmes,
    }


def _cache_key(year: int) -> str:
    return f"lms:public-figures:v{CACHE_VERSION}:{year}"


def public_figures(*, year: int, target: int) -> dict[str, Any]:
    """The figures from the cache (one key per year), computed on a miss. A change of the
    JP target in the site settings is picked up at once."""
    key = _cache_key(year)
    figures = cache.get(key)
    if figures is None or figures.get("jp_target") != target:
        figures = public_figures_compute(year=year, target=target)
        timeout = getattr(settings, "PUBLIC_FIGURES_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
        cache.set(key, figures, timeout)
    return figures


def public_figures_invalidate(*, year: int | None = None) -> None:
    """Drops the cached figures of one year (or of every offered year)."""
    years = [year] if year is not None else public_years()
    cache.delete_many([_cache_key(y) for y in years])


def public_years() -> list[int]:
    """Years offered on the dashboard, newest first."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


# ACCOUNTABILITY LOG ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationEntry:
    timestamp: datetime.datetime
    title: str
    url: str | None


@dataclass(frozen=True)
class RevocationCount:
    month: datetime.date
    category: str
    count: int


def course_publications(*, page_number: Any, per_page: int = 20) -> PaginatorPage:
    """Publications of course pages from Wagtail's page log (`wagtail.publish`), for the
    courses that exist and carry no view restriction (on themselves or an ancestor): a
    restricted course's title is not public, and a deleted course's restrictions are
    gone with it, so neither is listed."""
    entries = (
        PageLogEntry.objects.filter(
            action="wagtail.publish",
            content_type=ContentType.objects.get_for_model(CoursePage),
            page_id__in=CoursePage.objects.public().values("pk"),
        )
        .order_by("-timestamp", "-pk")
        .values("timestamp", "label", "page_id")
    )
    page = Paginator(entries, per_page).get_page(page_number)
    live = {
        p.pk: p.url
        for p in CoursePage.objects.live()
        .public()
        .filter(pk__in=[e["page_id"] for e in page.object_list])
    }
    page.object_list = [
        PublicationEntry(e["timestamp"], e["label"], live.get(e["page_id"]))
        for e in page.object_list
    ]
    return page


def certificate_revocations(*, page_number: Any, per_page: int = 20) -> PaginatorPage:
    """Revoked certificates counted per month of revocation and public reason category,
    newest month first. Counts and categories, not people (UU PDP): no holder name and no
    certificate number, which together would find the certificate through the /verify/
    search; HR's free-text reason is never shown either. One query."""
    labels = dict(Certificate.RevocationCategory.choices)
    rows = (
        Certificate.objects.filter(revoked_at__isnull=False)
        .annotate(month=TruncMonth("revoked_at"))
        .values("month", "revocation_category")
        .annotate(n=Count("pk"))
        .order_by("-month", "revocation_category")
    )
    counts = [
        RevocationCount(
            month=r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"],
            category=str(labels.get(r["revocation_category"], "")),
            count=r["n"],
        )
        for r in rows
    ]
    return Paginator(counts, per_page).get_page(page_number)


@dataclass(frozen=True)
class MonthTotals:
    month: datetime.date
    courses_published: int
    certificates_issued: int
    certificates_revoked: int


def monthly_totals(*, page_number: Any, per_page: int = 12) -> PaginatorPage:
    """Per month, newest first: courses published (distinct course pages with a
    `wagtail.publish` entry), certificates issued (their issue time) and revoked (audit
    entries). Three queries."""
    course_type = ContentType.objects.get_for_model(CoursePage)
    published = {
        r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]: r["n"]
        for r in PageLogEntry.objects.filter(action="wagtail.publish", content_type=course_type)
        .annotate(month=TruncMonth("timestamp"))
        .values("month")
        .annotate(n=Count("page_id", distinct=True))
        .order_by()
    }
    issued = {
        r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]: r["n"]
        for r in Certificate.objects.filter(
            Q(status=Certificate.Status.ISSUED) | Q(status=Certificate.Status.REVOKED),
            issued_at__isnull=False,
        )
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    revoked = {
        r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]: r["n"]
        for r in ModelLogEntry.objects.filter(
            action="lms.certificate_revoke",
            content_type=ContentType.objects.get_for_model(Certificate),
        )
        .annotate(month=TruncMonth("timestamp"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    months = sorted(set(published) | set(issued) | set(revoked), reverse=True)
    totals = [
        MonthTotals(m, published.get(m, 0), issued.get(m, 0), revoked.get(m, 0)) for m in months
    ]
    return Paginator(totals, per_page).get_page(page_number)
