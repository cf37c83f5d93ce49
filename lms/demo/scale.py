"""City-scale learning data for benchmarks: the LMS half of `manage.py seed_scale`, run
after the HR half (`competencies.demo.scale.scale_seed_hr`). At factor 1: 300 courses
of 8 lessons and a quiz (real Wagtail pages under the catalogue), 200,000 enrolments,
1,000,000 lesson-progress rows, 50,000 certificates with their training records, one
assignment per unit and the in-app notices. Deterministic for a seed.

About 3,000 pages: the first course through treebeard's `add_child`, the rest saved with
the next treebeard paths computed here (numchild written once per parent), with Wagtail's
search and reference indexing switched off for the run (the benchmark does not search the
scale courses; `update_index` adds them if needed). Learner rows go in with PostgreSQL `COPY`
(psycopg's `cursor.copy()`), or `bulk_create` on SQLite. Running it again on a database
that already has the scale courses does nothing."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from wagtail.models import Page

from accounts.models import Notification, NotificationKind
from competencies.demo.scale import SCALE_DOMAIN, foreign_keys_validated_once
from competencies.models import Employee, OrgUnit, TrainingRecord
from competencies.siasn import DevelopmentType
from lms.models import (
    Assignment,
    AssignmentRecipient,
    Certificate,
    CertificateSequence,
    Choice,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Question,
    QuizPage,
)
from lms.services.certificates import DEFAULT_NUMBER_PATTERN, certificate_number_format

Progress = Callable[[str, int], None]
SLUG_PREFIX = "skala-"
STEPS = (
    "courses",
    "enrolments",
    "lesson progress",
    "certificates",
    "training records",
    "assignments",
    "notifications",
    "foreign keys checked",
)


@dataclass(frozen=True)
class LmsScaleSize:
    courses: int
    lessons_per_course: int
    enrolments_per_employee: int
    completed_share: float = 0.25

    @classmethod
    def for_factor(cls, factor: float) -> LmsScaleSize:
        return cls(
            courses=max(3, round(300 * factor)), lessons_per_course=8, enrolments_per_employee=20
        )


@dataclass
class ScaleLMS:
    courses: int
    enrolments: int
    progress_rows: int
    certificates: int
    created: bool


def scale_lms_exists() -> bool:
    return CoursePage.objects.filter(slug__startswith=SLUG_PREFIX).exists()


# BULK INSERT -------------------------------------------------------------------------------


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Inserts plain rows (values in the order of `columns`, field attnames) as fast as
    the database allows: `COPY … FROM STDIN` on PostgreSQL, `bulk_create` elsewhere.
    Values are prepared by each field (JSON, decimals, aware datetimes). No signals, no
    returned keys: read them back when needed."""
    fields: list[Any] = [model._meta.get_field(c) for c in columns]
    count = 0
    if connection.vendor == "postgresql":
        # Columns not given get their model default (COPY knows no Django defaults).
        now = timezone.now()
        rest = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in columns
        ]
        defaults = [
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in rest
        ]  # fmt: skip
        every = fields + rest
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in every)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                # Only JSON needs the field's preparation; psycopg adapts the rest (ints,
                # text, dates, aware datetimes, decimals) itself, which is much faster.
                json_at = [i for i, f in enumerate(every) if isinstance(f, models.JSONField)]
                tail = tuple(defaults)
                for row in rows:
                    values = list(row) + list(tail)
                    for i in json_at:
                        values[i] = every[i].get_db_prep_save(values[i], connection)
                    copy.write_row(values)
                    count += 1
        return count
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= 5000:
            model._default_manager.bulk_create(batch)
            count += len(batch)
            batch = []
    model._default_manager.bulk_create(batch)
    return count + len(batch)


@contextmanager
def _page_indexing_paused():
    """Skips Wagtail's search-index and reference-index updates while the scale pages are
    created (`manage.py update_index` / `rebuild_references_index` rebuild them if ever
    needed; the benchmark does not search the scale courses)."""
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from modelsearch.signal_handlers import post_save_signal_handler

    models_ = (CoursePage, LessonPage, QuizPage)
    for model in models_:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models_:
            post_save.connect(post_save_signal_handler, sender=model)


# PAGES -------------------------------------------------------------------------------------


def _place(page: Page, parent: Page, step: int, now: datetime.datetime, locale_id: int) -> Page:
    """Saves a new page as child number `step` of `parent` with the treebeard path, depth
    and Wagtail fields that `add_child` would set, but without its per-page validation
    and tree queries (the scale slugs are unique by construction). The parent's numchild
    is set by the caller, once."""
    page.depth = parent.depth + 1
    page.path = Page._get_path(parent.path, page.depth, step)
    page.numchild = 0
    page.url_path = f"{parent.url_path}{page.slug}/"
    page.draft_title = page.title
    page.locale_id = locale_id
    page.live = True
    page.first_published_at = page.last_published_at = now
    page.save(clean=False)
    return page


def _courses(size: LmsScaleSize, rng: random.Random, index: CourseIndexPage) -> list[dict]:
    """Creates the course pages with their lessons, question bank and quiz. Returns one
    dict per course: page id, title, JP, lesson (id, title) pairs.

    One course is added with `add_child` (Wagtail's own path, validation included); the
    others get the next treebeard paths computed here, which is ~4x faster, and numchild
    is written once per parent."""
    jp_choices = [Decimal(v) for v in (2, 4, 6, 8, 12, 16, 24)]
    modes = [m for m, _label in CoursePage.DeliveryMode.choices]
    now = timezone.now()
    courses = []
    with _page_indexing_paused():
        for c in range(size.courses):
            course = _course_page(c, rng, jp_choices, modes)
            if c == 0:
                index.add_child(instance=course)
                index.refresh_from_db()
                step = Page._str2int(course.path[-Page.steplen :])
                locale_id = course.locale_id
            else:
                step += 1
                _place(course, index, step, now, locale_id)
            lessons, quiz = _lessons_and_quiz(size, rng, course, c, now, locale_id)
            Page.objects.filter(pk=course.pk).update(numchild=size.lessons_per_course + 1)
            courses.append(
                {
                    "id": course.pk,
                    "title": course.title,
                    "jp": course.jp_hours,
                    "lessons": lessons,
                    "quiz": quiz.pk,
                }
            )
        Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
    _question_banks(courses)
    return courses


def _course_page(
    c: int, rng: random.Random, jp_choices: list[Decimal], modes: list[str]
) -> CoursePage:
    """Course number `c`, not saved yet."""
    jp = rng.choice(jp_choices)
    mode = rng.choice(modes)
    return CoursePage(
        title=f"Pelatihan Skala {c + 1:03d}",
        slug=f"{SLUG_PREFIX}{c + 1:03d}",
        summary=f"Kursus data skala nomor {c + 1} untuk pengukuran kinerja.",
        learning_objectives="Memahami materi\nMenerapkan materi",
        jp_hours=jp,
        delivery_mode=mode,
        # Every course but plain e-learning names its SIASN type (CoursePage.clean).
        siasn_development_type=(
            None if mode == CoursePage.DeliveryMode.E_LEARNING else DevelopmentType.DIKLAT_TEKNIS
        ),
        enrolment_policy=CoursePage.EnrolmentPolicy.OPEN,
        certificate_enabled=True,
        evaluation_required=False,
    )


def _lessons_and_quiz(
    size: LmsScaleSize,
    rng: random.Random,
    course: CoursePage,
    c: int,
    now: datetime.datetime,
    locale_id: int,
) -> tuple[list[tuple[int, str]], QuizPage]:
    """The course's lessons, then its final quiz, placed under it in that order."""
    lessons = []
    for n in range(size.lessons_per_course):
        lesson = _place(
            LessonPage(
                title=f"Materi {n + 1}: Pokok Bahasan {c + 1}.{n + 1}",
                slug=f"materi-{n + 1}",
                summary="Ringkasan materi.",
                body=[
                    (
                        "paragraph",
                        f"<p>Isi materi {n + 1} kursus skala {c + 1}. "
                        "Bacalah dengan saksama sebelum mengerjakan kuis.</p>",
                    )
                ],
                estimated_minutes=rng.choice((10, 15, 20, 30)),
            ),
            course,
            n + 1,
            now,
            locale_id,
        )
        lessons.append((lesson.pk, lesson.title))
    quiz = _place(
        QuizPage(
            title="Kuis Akhir",
            slug="kuis-akhir",
            role=QuizPage.Role.REGULAR,
            pass_mark_percent=70,
            max_attempts=3,
            required_for_completion=True,
        ),
        course,
        size.lessons_per_course + 1,
        now,
        locale_id,
    )
    return lessons, quiz


def _question_banks(courses: list[dict]) -> None:
    """Five single-choice questions (four options each) per course, all in the quiz."""
    now = timezone.now()
    Question.objects.bulk_create(
        [
            Question(
                course_id=course["id"],
                kind=Question.Kind.SINGLE,
                prompt=f"Pertanyaan {q + 1} tentang {course['title']}?",
                explanation="Lihat materi.",
                points=1,
                created_at=now,
                updated_at=now,
            )
            for course in courses
            for q in range(5)
        ],
        batch_size=2000,
    )
    by_course: dict[int, list[int]] = {}
    for pk, course_id in Question.objects.filter(
        course_id__in=[c["id"] for c in courses]
    ).values_list("pk", "course_id"):
        by_course.setdefault(course_id, []).append(pk)
    Choice.objects.bulk_create(
        [
            Choice(question_id=pk, text=f"Pilihan {o + 1}", is_correct=o == 0, sort_order=o)
            for ids in by_course.values()
            for pk in ids
            for o in range(4)
        ],
        batch_size=5000,
    )
    through = QuizPage.questions.through
    through.objects.bulk_create(
        [
            through(quizpage_id=course["quiz"], question_id=pk)
            for course in courses
            for pk in by_course.get(course["id"], [])
        ],
        batch_size=5000,
    )


# LEARNER RECORDS ---------------------------------------------------------------------------


@transaction.atomic
def scale_seed_lms(
    *, seed: int = 42, factor: float = 1.0, progress: Progress | None = None
) -> ScaleLMS:
    """The learning half of the scale data. Needs the catalogue (`seed_demo`) and the HR
    half; returns created=False without writing when the scale courses already exist."""
    if scale_lms_exists():
        return ScaleLMS(
            courses=CoursePage.objects.filter(slug__startswith=SLUG_PREFIX).count(),
            enrolments=0,
            progress_rows=0,
            certificates=0,
            created=False,
        )
    index = CourseIndexPage.objects.first()
    if index is None:
        raise ValueError("No course catalogue page: run `manage.py seed_demo` first.")
    rng = random.Random(seed + 1)  # noqa: S311 - benchmark data, not security
    size = LmsScaleSize.for_factor(factor)
    note = progress or (lambda step, n: None)

    courses = _courses(size, rng, index)
    note("courses", len(courses))

    people = list(
        Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}")
        .order_by("pk")
        .values_list("pk", "user_id", "unit_id")
    )
    units = sorted({u for _e, _u, u in people if u is not None})
    # One course assigned to each unit: the first course of each of its employees.
    unit_course = {unit: courses[i % len(courses)] for i, unit in enumerate(units)}
    now = timezone.now()
    today = timezone.localdate(now)
    plans = _plans(size, rng, courses, people, unit_course, now)
    bulk_tables = (
        Enrolment, LessonProgress, Certificate, TrainingRecord, AssignmentRecipient, Notification
    )  # fmt: skip
    with foreign_keys_validated_once(bulk_tables):
        enrolment_ids = _enrolments(plans, courses, size.lessons_per_course)
        note("enrolments", len(enrolment_ids))
        rows = _lesson_progress(plans, enrolment_ids)
        note("lesson progress", rows)

        certificates = _certificates(plans, enrolment_ids, people)
        note("certificates", certificates)
        records = _training_records(plans, enrolment_ids, people)
        note("training records", records)
        recipients = _assignments(unit_course, people, plans, now, today)
        note("assignments", recipients)
        notices = _notifications(plans, now)
        note("notifications", notices)
    note("foreign keys checked", len(bulk_tables))
    return ScaleLMS(
        courses=len(courses),
        enrolments=len(enrolment_ids),
        progress_rows=rows,
        certificates=certificates,
        created=True,
    )


def _plans(
    size: LmsScaleSize,
    rng: random.Random,
    courses: list[dict],
    people: list,
    unit_course: dict,
    now: datetime.datetime,
) -> list[dict[str, Any]]:
    """One plan per enrolment to write: each employee takes `enrolments_per_employee`
    courses, their unit's assigned course among them."""
    per_person = min(size.enrolments_per_employee, len(courses))
    plans: list[dict[str, Any]] = []
    for _employee_id, user_id, unit_id in people:
        assigned = unit_course.get(unit_id)
        picks = rng.sample(range(len(courses)), per_person)
        chosen = [courses[i] for i in picks]
        if assigned is not None and assigned not in chosen:
            chosen[0] = assigned
        for course in chosen:
            completed = rng.random() < size.completed_share
            enrolled = now - datetime.timedelta(
                days=rng.randrange(20, 720), hours=rng.randrange(24)
            )
            plans.append(
                {
                    "user": user_id,
                    "course": course,
                    "assigned": course is assigned,
                    "completed": completed,
                    "enrolled": enrolled,
                    "finished": (
                        min(enrolled + datetime.timedelta(days=rng.randrange(1, 20)), now)
                        if completed
                        else None
                    ),
                    "opened": len(course["lessons"])
                    if completed
                    else rng.randint(0, len(course["lessons"])),
                }
            )
    return plans


def _enrolments(plans: list[dict], courses: list[dict], lessons_total: int) -> dict:
    """Writes the planned enrolments; returns their ids by (user id, course id)."""
    bulk_insert(
        Enrolment,
        (
            "user_id", "course_id", "course_title", "status", "source", "due_on", "enrolled_at",
            "completed_at", "jp_earned", "progress_percent", "created_at", "updated_at",
        ),
        (
            (
                p["user"], p["course"]["id"], p["course"]["title"],
                Enrolment.Status.COMPLETED if p["completed"] else Enrolment.Status.ACTIVE,
                Enrolment.Source.ASSIGNMENT if p["assigned"] else Enrolment.Source.SELF,
                (timezone.localdate(p["enrolled"]) + datetime.timedelta(days=60)) if p["assigned"] else None,
                p["enrolled"], p["finished"], p["course"]["jp"] if p["completed"] else None,
                100 if p["completed"] else round(100 * p["opened"] / (lessons_total + 1)),
                p["enrolled"], p["finished"] or p["enrolled"],
            )
            for p in plans
        ),
    )  # fmt: skip
    course_ids = [c["id"] for c in courses]
    return {
        (u, c): pk
        for pk, u, c in Enrolment.objects.filter(course_id__in=course_ids).values_list(
            "pk", "user_id", "course_id"
        )
    }


def _lesson_progress(plans: list[dict], enrolment_ids: dict) -> int:
    """The lessons each plan opened, the last one unfinished unless the course is done."""

    def progress_rows():
        for p in plans:
            enrolment_id = enrolment_ids[(p["user"], p["course"]["id"])]
            opened_at = p["enrolled"]
            for n, (lesson_id, title) in enumerate(p["course"]["lessons"][: p["opened"]]):
                opened_at = opened_at + datetime.timedelta(minutes=30 + n)
                done = p["completed"] or n < p["opened"] - 1
                yield (
                    enrolment_id, lesson_id, title, opened_at, opened_at,
                    opened_at if done else None, 600 if done else 120,
                )  # fmt: skip

    rows = bulk_insert(
        LessonProgress,
        (
            "enrolment_id", "lesson_id", "lesson_title", "first_opened_at", "last_opened_at",
            "completed_at", "seconds_spent",
        ),
        progress_rows(),
    )  # fmt: skip
    return rows


def _certificates(plans: list[dict], enrolment_ids: dict, people: list) -> int:
    """One issued certificate per completed enrolment, numbered on from each year's
    sequence row (locked), which is then set to the last number used: gap-free."""
    names = {
        u: (name, nip or "")
        for u, name, nip in Employee.objects.filter(
            user_id__in=[u for _e, u, _unit in people]
        ).values_list("user_id", "full_name", "user__nip")
    }
    done = sorted((p for p in plans if p["completed"]), key=lambda p: (p["finished"], p["user"]))
    years = sorted({p["finished"].year for p in done})
    last: dict[int, int] = {}
    for year in years:
        row, _created = CertificateSequence.objects.select_for_update().get_or_create(year=year)
        last[year] = row.last
    rng = random.Random(len(done))  # noqa: S311 - benchmark data
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def rows():
        for p in done:
            year = p["finished"].year
            last[year] += 1
            name, nip = names[p["user"]]
            day = timezone.localdate(p["finished"])
            yield (
                enrolment_ids[(p["user"], p["course"]["id"])], True, p["user"],
                Certificate.Status.ISSUED, "".join(rng.choices(alphabet, k=22)), year, last[year],
                certificate_number_format(pattern=DEFAULT_NUMBER_PATTERN, seq=last[year], year=year),
                name, nip, p["course"]["title"], p["course"]["jp"],
                timezone.localdate(p["enrolled"]), day, day, [], "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
                "Pemerintah Kota Bontang", "Bontang", "id", p["finished"], p["finished"], p["finished"],
            )  # fmt: skip

    count = bulk_insert(
        Certificate,
        (
            "enrolment_id", "is_current", "user_id", "status", "code", "year", "sequence", "number",
            "holder_name", "holder_nip", "course_title", "jp", "started_on", "completed_on",
            "issued_on", "competencies", "agency_name", "government_name", "place", "language",
            "issued_at", "created_at", "updated_at",
        ),
        rows(),
    )  # fmt: skip
    for year, value in last.items():
        CertificateSequence.objects.filter(year=year).update(last=value)
    return count


def _training_records(plans: list[dict], enrolment_ids: dict, people: list) -> int:
    employee_of = {u: e for e, u, _unit in people}
    numbers = dict(
        Certificate.objects.filter(
            enrolment_id__in=[
                enrolment_ids[(p["user"], p["course"]["id"])] for p in plans if p["completed"]
            ]
        ).values_list("enrolment_id", "number")
    )
    organiser = "BKPSDM Kota Bontang"
    dev_type = CoursePage().siasn_type_id
    return bulk_insert(
        TrainingRecord,
        (
            "employee_id", "source", "source_key", "title", "organiser", "development_type",
            "started_on", "finished_on", "jp", "certificate_number", "status", "decided_at",
            "decision_note",
        ),
        (
            (
                employee_of[p["user"]], TrainingRecord.Source.COURSE,
                f"enrolment:{enrolment_ids[(p['user'], p['course']['id'])]}", p["course"]["title"],
                organiser, dev_type, timezone.localdate(p["enrolled"]),
                timezone.localdate(p["finished"]), p["course"]["jp"],
                numbers.get(enrolment_ids[(p["user"], p["course"]["id"])], ""),
                TrainingRecord.Status.APPROVED, p["finished"], "",
            )
            for p in plans
            if p["completed"]
        ),
    )  # fmt: skip


def _assignments(
    unit_course: dict[int, dict],
    people: list,
    plans: list[dict],
    now: datetime.datetime,
    today: datetime.date,
) -> int:
    """One assignment per unit (its course to its employees) with a recipient row each."""
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=unit_course)}
    created = []
    for unit_id, course in unit_course.items():
        assignment = Assignment.objects.create(
            course_id=course["id"],
            course_title=course["title"],
            target_type=Assignment.Target.UNITS,
            due_days=60,
            reason="Data skala",
        )
        assignment.units.set([units[unit_id]])
        created.append((unit_id, assignment.pk))
    by_unit = dict(created)
    finished = {(p["user"], p["course"]["id"]): p["finished"] for p in plans if p["assigned"]}
    return bulk_insert(
        AssignmentRecipient,
        (
            "assignment_id", "employee_id", "user_id", "cycle", "status", "assigned_at", "due_on",
            "completed_at",
        ),
        (
            (
                by_unit[unit], e, u, 1,
                AssignmentRecipient.Status.COMPLETED
                if finished.get((u, unit_course[unit]["id"]))
                else AssignmentRecipient.Status.OPEN,
                now, today + datetime.timedelta(days=60), finished.get((u, unit_course[unit]["id"])),
            )
            for e, u, unit in people
            if unit in by_unit
        ),
    )  # fmt: skip


def _notifications(plans: list[dict], now: datetime.datetime) -> int:
    """An 'assignment' notice per assigned enrolment and a 'certificate issued' notice
    per completed one; those older than a week are read."""
    week_ago = now - datetime.timedelta(days=7)

    def rows():
        for n, p in enumerate(plans):
            when = p["enrolled"]
            if p["assigned"]:
                yield (
                    p["user"], NotificationKind.ASSIGNMENT_NEW, {"course": p["course"]["title"]},
                    "/learning/", f"scale:{n}:assignment", when, when if when < week_ago else None,
                    Notification.EmailStatus.SKIPPED,
                )  # fmt: skip
            if p["completed"]:
                when = p["finished"]
                yield (
                    p["user"], NotificationKind.CERTIFICATE_ISSUED, {"course": p["course"]["title"]},
                    "/learning/", f"scale:{n}:certificate", when,
                    when if when < week_ago else None, Notification.EmailStatus.SKIPPED,
                )  # fmt: skip

    return bulk_insert(
        Notification,
        ("user_id", "kind", "params", "url", "dedupe_key", "created_at", "read_at", "email_status"),
        rows(),
    )
