from __future__ import annotations

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from accounts.roles import Role
from lms.models import CourseIndexPage, CoursePage, HomePage, LessonPage, NewsIndexPage, QuizPage
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory, LessonPageFactory, QuizPageFactory

pytestmark = pytest.mark.django_db


def test_home_page_sits_under_the_root_never_inside_the_portal(home_page, course_index, course):
    assert HomePage.can_exist_under(Page.get_first_root_node())
    assert not [
        page for page in (home_page, course_index, course) if HomePage.can_exist_under(page)
    ]


def test_home_page_holds_the_catalogue_and_the_news_only(home_page):
    assert set(home_page.specific_class.allowed_subpage_models()) == {
        CourseIndexPage,
        NewsIndexPage,
    }
    assert not [
        model for model in (CoursePage, LessonPage, QuizPage) if model.can_create_at(home_page)
    ]


def test_only_one_home_page(home_page):
    root = Page.get_first_root_node()

    assert not HomePage.can_create_at(root)


def test_home_page_renders(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert home_page.title in response.content.decode()


def test_course_index_only_under_home_and_only_once(home_page, course_index):
    assert not CourseIndexPage.can_create_at(home_page)


def test_course_index_can_be_created_under_home_when_missing(home_page):
    assert CourseIndexPage.can_create_at(home_page)
    assert not CourseIndexPage.can_create_at(Page.get_first_root_node())


def test_courses_live_only_in_the_catalogue(home_page, course_index, course):
    assert CoursePage.can_create_at(course_index)
    assert not CoursePage.can_create_at(home_page)
    assert not CoursePage.can_create_at(course)


def test_lessons_and_quizzes_live_only_in_a_course(course_index, course, lessons):
    assert LessonPage.can_create_at(course)
    assert QuizPage.can_create_at(course)
    assert not LessonPage.can_create_at(course_index)
    assert not QuizPage.can_create_at(course_index)
    assert not LessonPage.can_create_at(lessons[0])
    assert not [
        model for model in (CoursePage, LessonPage, QuizPage) if model.can_create_at(lessons[0])
    ]


def test_course_page_renders_its_outline(client, course, lessons, quiz):
    html = client.get(course.url).content.decode()

    assert course.title in html
    assert "Pelajaran 1" in html and "Kuis akhir" in html


def test_lesson_page_renders_every_block(client, course):
    lesson = LessonPageFactory(
        parent=course,
        title="Standar pelayanan",
        body=[
            ("text", {"text": rich_text("<p>Komponen standar pelayanan</p>")}),
            ("callout", {"kind": "tip", "title": "Ingat", "text": rich_text("<p>Maklumat</p>")}),
            (
                "accordion",
                {
                    "title": "FAQ",
                    "items": [{"heading": "Apa itu SKM?", "body": rich_text("<p>Survei</p>")}],
                },
            ),
            (
                "video",
                {"url": "https://youtu.be/abcdefghijk", "title": "Video SKM", "transcript": "Teks"},
            ),
        ],
    )

    html = client.get(lesson.url).content.decode()

    assert "Komponen standar pelayanan" in html
    assert 'class="callout callout-tip"' in html
    assert '<details class="accordion-item">' in html
    assert "https://www.youtube-nocookie.com/embed/abcdefghijk" in html


def test_block_previews_render_without_errors():
    from lms.blocks import LessonStreamBlock

    for name, block in LessonStreamBlock().child_blocks.items():
        if name in {"image", "media_file", "document", "quiz"}:
            continue  # their preview values need a chosen file or page
        html = block.render(block.get_preview_value())
        assert html.strip(), name


def test_only_one_pre_test_per_course(course, client):
    QuizPageFactory(parent=course, role=QuizPage.Role.PRE_TEST)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=("lms", "quizpage", course.pk)),
        nested_form_data(
            {
                "title": "Pre-test kedua",
                "slug": "pre-test-kedua",
                "intro": rich_text(""),
                "role": "pre_test",
                "selection": "fixed",
                "pass_mark_percent": 70,
                "max_attempts": 1,
                "review_score": "attempt",
                "review_correctness": "attempt",
                "review_right_answer": "final",
                "review_feedback": "final",
            }
        ),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["role"]
    assert QuizPage.objects.filter(role=QuizPage.Role.PRE_TEST).count() == 1


def test_quiz_drawing_from_a_category_needs_random_selection_and_questions(course, client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    data = {
        "title": "Kuis acak",
        "slug": "kuis-acak",
        "intro": rich_text(""),
        "role": "regular",
        "pass_mark_percent": 70,
        "max_attempts": 1,
        "draw_category": "Etika",
        "review_score": "attempt",
        "review_correctness": "attempt",
        "review_right_answer": "final",
        "review_feedback": "final",
    }
    url = reverse("wagtailadmin_pages:add", args=("lms", "quizpage", course.pk))

    fixed = client.post(url, nested_form_data({**data, "selection": "fixed"}))
    empty = client.post(url, nested_form_data({**data, "selection": "random"}))

    assert list(fixed.context["form"].errors) == ["draw_category"]
    assert list(empty.context["form"].errors) == ["draw_category"]
    assert not QuizPage.objects.filter(slug="kuis-acak").exists()


def test_admin_creates_a_lesson_with_streamfield(course, client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=("lms", "lessonpage", course.pk)),
        nested_form_data(
            {
                "title": "Maklumat pelayanan",
                "slug": "maklumat",
                "summary": "",
                "estimated_minutes": 10,
                "minimum_minutes": 0,
                "is_required": "on",
                "body": streamfield(
                    [
                        ("text", {"text": rich_text("<p>Janji penyelenggara</p>")}),
                        ("callout", {"kind": "info", "title": "", "text": rich_text("<p>x</p>")}),
                    ]
                ),
            }
        ),
    )

    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="maklumat")
    assert lesson.get_parent().pk == course.pk
    assert [b.block_type for b in lesson.body] == ["text", "callout"]


def test_admin_creates_a_course_with_competencies(course_index, client):
    from competencies.models import Competency

    competency = Competency.objects.create(code="T-01", name_id="Pelayanan publik", kind="teknis")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=("lms", "coursepage", course_index.pk)),
        nested_form_data(
            {
                "title": "SKM",
                "slug": "skm",
                "summary": "Survei kepuasan",
                "learning_objectives": "",
                "description": rich_text(""),
                "jp_hours": "4",
                "delivery_mode": "e_learning",
                "language": "id",
                "enrolment_policy": "open",
                "require_all_lessons": "on",
                "certificate_enabled": "on",
                "course_competencies": inline_formset(
                    [{"competency": competency.pk, "target_level": 2}]
                ),
            }
        ),
    )

    assert response.status_code == 302
    course = CoursePage.objects.get(slug="skm")
    assert course.course_competencies.get().target_level == 2
    assert course.siasn_type_id == 16


def test_page_preview_renders(course, client):
    lesson = LessonPageFactory(parent=course, title="Pratinjau")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=(lesson.pk,)))

    assert response.status_code == 200
    assert "Pratinjau" in response.content.decode()


def test_unpublished_course_is_not_in_the_catalogue(client, course_index):
    CoursePageFactory(parent=course_index, title="Draf rahasia", live=False)

    html = client.get(course_index.url).content.decode()

    assert "Draf rahasia" not in html


def test_quiz_form_offers_only_the_courses_questions(course_index, course, client):
    from tests.factories.lms import choice_question

    other = CoursePageFactory(parent=course_index, title="Kursus lain")
    choice_question(course=course, prompt="Soal kursus ini")
    choice_question(course=other, prompt="Soal kursus lain")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    html = client.get(
        reverse("wagtailadmin_pages:add", args=("lms", "quizpage", course.pk))
    ).content.decode()

    assert "Soal kursus ini" in html
    assert "Soal kursus lain" not in html


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (
            "coursepage",
            {
                "title": "Pratinjau kursus baru",
                "slug": "pratinjau-kursus",
                "summary": "Ringkas",
                "learning_objectives": "Satu\nDua",
                "description": rich_text(""),
                "jp_hours": "2",
                "delivery_mode": "klasikal",
                "siasn_development_type": "3",
                "language": "id",
                "enrolment_policy": "open",
                "course_competencies": inline_formset([]),
            },
        ),
        (
            "quizpage",
            {
                "title": "Pratinjau kuis baru",
                "slug": "pratinjau-kuis",
                "intro": rich_text("<p>Petunjuk</p>"),
                "role": "regular",
                "selection": "fixed",
                "pass_mark_percent": 70,
                "max_attempts": 2,
                "review_score": "attempt",
                "review_correctness": "attempt",
                "review_right_answer": "final",
                "review_feedback": "final",
            },
        ),
        (
            "lessonpage",
            {
                "title": "Pratinjau pelajaran baru",
                "slug": "pratinjau-pelajaran",
                "summary": "",
                "estimated_minutes": 5,
                "minimum_minutes": 0,
                "body": streamfield([("text", {"text": rich_text("<p>Isi</p>")})]),
            },
        ),
    ],
)
def test_preview_of_a_page_being_created(client, course_index, course, model, data):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    parent = course_index if model == "coursepage" else course
    url = reverse("wagtailadmin_pages:preview_on_add", args=("lms", model, parent.pk))

    assert client.post(url, nested_form_data(data)).json()["is_valid"]
    response = client.get(url)

    assert response.status_code == 200
    assert data["title"] in response.content.decode()
