from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from competencies.siasn import DevelopmentType
from lms.blocks import LessonStreamBlock
from lms.widgets import SearchableCheckboxSelectMultiple

# Page types whose rows the learner routing reads with their specific fields (a reverse
# one-to-one select_related each), keyed by the accessor on Page.
_ROUTED_TYPES = ("courseindexpage", "coursepage", "lessonpage", "quizpage")


def _view_restriction_exists() -> Exists:
    """Whether a view restriction may apply to the outer page: one sits on the page or an
    ancestor, or on the source of an alias among them (Page.get_view_restrictions). It
    checks a superset of those pages, so False is safe; True falls back to Wagtail's
    exact lookup."""
    return Exists(
        PageViewRestriction.objects.filter(
            Q(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
            | Q(page__aliases__path=Substr(OuterRef("path"), 1, Length("page__aliases__path")))
        )
    )


def _route_pages(parent: Page, path_components: list[str]) -> dict[str, Page]:
    """Every page on the path below `parent` in one query, by url_path (Wagtail keeps it as
    the parent's url_path plus the slug, so this finds what a slug-by-slug walk of the
    children finds). Learner page types come back as their specific class, with
    `_view_restricted` False when no view restriction can apply to them."""
    url_paths = [
        parent.url_path + "/".join(path_components[: n + 1]) + "/"
        for n in range(len(path_components))
    ]
    rows = (
        Page.objects.filter(url_path__in=url_paths, path__startswith=parent.path)
        .select_related(
            "courseindexpage",
            "coursepage__offering_unit",
            "lessonpage__scormlessonpage__package",
            "lessonpage__h5plessonpage__package",
            "quizpage",
        )
        .annotate(view_restricted=_view_restriction_exists())
    )
    pages: dict[str, Page] = {}
    for row in rows:
        page = row
        model = row.specific_class  # the content type comes from Django's per-process cache
        if model is not None and model._meta.app_label == "lms":
            name = model._meta.model_name
        else:
            name = ""
        if name in _ROUTED_TYPES:
            page = getattr(row, name)
            page._view_restricted = row.view_restricted
        elif name == "scormlessonpage":  # a LessonPage subclass (lms/models/scorm.py)
            page = row.lessonpage.scormlessonpage
            page._view_restricted = row.view_restricted
        elif name == "h5plessonpage":  # a LessonPage subclass (lms/models/h5p.py)
            page = row.lessonpage.h5plessonpage
            page._view_restricted = row.view_restricted
        pages[row.url_path] = page
    return pages


class LearnerRouteMixin:
    """Routing from the home page down to a lesson or quiz in one query for the whole
    path (`_route_pages`) instead of Wagtail's child lookup plus `.specific` per level,
    and no view-restriction queries when none can apply. Same result as Page.route: the
    child by slug at each level, 404 when missing, the page itself only when live."""

    url_path: str
    depth: int
    # Set per request by the routing (and on the site cache's copy of the root page).
    _route_pages: dict[str, Page] | None = None
    _view_restricted: bool | None = None
    _site_cache_copy = False

    def route(self, request, path_components):
        if not path_components:
            if self._site_cache_copy:
                # The site's cached root page (lms/cache.py) is for routing only.
                fresh = (
                    type(self)
                    .objects.annotate(view_restricted=_view_restriction_exists())  # type: ignore[attr-defined]
                    .get(pk=self.pk)  # type: ignore[attr-defined]
                )
                fresh._view_restricted = fresh.view_restricted
                return fresh.route(request, path_components)
            return super().route(request, path_components)  # type: ignore[misc]
        pages = self._route_pages
        if pages is None:
            pages = _route_pages(cast(Page, self), path_components)
        child = pages.get(f"{self.url_path}{path_components[0]}/")
        if child is None or child.depth != self.depth + 1:
            raise Http404
        child._cached_parent_obj = self
        if isinstance(child, LearnerRouteMixin):
            child._route_pages = pages
            return child.route(request, path_components[1:])
        return child.specific.route(request, path_components[1:])

    def get_view_restrictions(self):
        if self._view_restricted is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]


class HomePage(LearnerRouteMixin, Page):
    """The portal's public front page: what the portal is and where to start."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)
    # Public front page blocks (docs/transparency.md); the contact comes from AgencySettings.
    featured_count = models.PositiveSmallIntegerField(
        _("number of latest courses"),
        default=3,
        validators=[MaxValueValidator(12)],
        help_text=_("Shown when no featured course is chosen. 0 hides the block."),
    )
    verify_intro = models.TextField(
        _("how to verify a certificate"),
        blank=True,
        help_text=_("Shown next to the link to the certificate verification page."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [InlinePanel("featured_courses", label=_("course")), FieldPanel("featured_count")],
            heading=_("Featured courses"),
        ),
        FieldPanel("verify_intro"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = ["lms.CourseIndexPage", "lms.NewsIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.public import home_page_blocks

        context = super().get_context(request, *args, **kwargs)
        context.update(
            home_page_blocks(home=self, cached=not getattr(request, "is_preview", False))
        )
        return context

    class Meta:
        verbose_name = _("home page")


class CourseIndexPage(LearnerRouteMixin, Page):
    """The course catalogue. Filters, search and pagination come from
    `lms.selectors.catalogue.course_list_for_catalogue`."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["lms.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from lms.forms import CatalogueFilterForm
        from lms.selectors.catalogue import (
            CATALOGUE_STATUS_LABELS,
            catalogue_statuses_for_user,
            course_list_for_catalogue,
        )

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        context["filter_form"] = form
        courses_page = course_list_for_catalogue(
            index=self, filters=filters, page_number=request.GET.get("page")
        )
        # The signed-in learner's status on each card (one query for the page).
        statuses = catalogue_statuses_for_user(
            user=request.user, course_ids=[course.pk for course in courses_page]
        )
        for course in courses_page:
            course.learner_status = statuses.get(course.pk, "")
            course.learner_status_label = CATALOGUE_STATUS_LABELS.get(course.learner_status, "")
        context["courses_page"] = courses_page
        query = request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class CoursePageForm(WagtailAdminPageForm):
    """Trainers are chosen among users with the trainer role (a course's current trainers
    stay listed even if they lost the role, so saving does not drop them silently);
    prerequisites among the other courses. Both are searchable checkbox lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User
        from accounts.roles import Role

        if "trainers" in self.fields:
            current = [user.pk for user in self.instance.trainers.all()]
            self.fields["trainers"].queryset = (
                User.objects.filter(
                    Q(groups__name=Role.PELATIH, is_active=True) | Q(pk__in=current)
                )
                .distinct()
                .order_by("first_name", "last_name", "email")
            )
        if "prerequisites" in self.fields:
            courses = CoursePage.objects.order_by("title")
            if self.instance.pk:
                courses = courses.exclude(pk=self.instance.pk)
            self.fields["prerequisites"].queryset = courses

    def clean(self):
        cleaned_data = super().clean()
        if "siasn_development_type" in self.fields and "delivery_mode" in self.fields:
            mode = cleaned_data.get("delivery_mode")
            if (
                mode
                and mode != CoursePage.DeliveryMode.E_LEARNING
                and not cleaned_data.get("siasn_development_type")
            ):
                self.add_error(
                    "siasn_development_type",
                    _("Pick the SIASN development type: only plain e-learning goes without one."),
                )
        return cleaned_data


class CoursePage(LearnerRouteMixin, Page):
    """A course: what it teaches, to whom and how it is completed. Its lessons and quizzes
    are child pages; learner records (enrolments, attempts) point here from plain models."""

    class DeliveryMode(models.TextChoices):
        E_LEARNING = "e_learning", _("E-learning")
        KLASIKAL = "klasikal", _("Classroom (klasikal)")
        BLENDED = "blended", _("Blended")

    class EnrolmentPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone may enrol")
        APPROVAL = "approval", _("By approval")
        ASSIGNED = "assigned", _("Assigned only")

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Bahasa Indonesia")
        ENGLISH = "en", _("English")

    summary = models.TextField(_("summary"), max_length=600)
    learning_objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One objective per line.")
    )
    description = RichTextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    jp_hours = models.DecimalField(
        _("JP (lesson hours)"),
        max_digits=5,
        decimal_places=1,
        default=2,
        validators=[MinValueValidator(0)],
        help_text=_("Development hours credited on completion."),
    )
    delivery_mode = models.CharField(
        _("delivery mode"),
        max_length=12,
        choices=DeliveryMode.choices,
        default=DeliveryMode.E_LEARNING,
    )
    siasn_development_type = models.PositiveSmallIntegerField(
        _("SIASN development type"),
        choices=DevelopmentType.choices,
        null=True,
        blank=True,
        help_text=_(
            "The kind of training SIASN records (jenisDiklat). Required unless the course "
            "is plain e-learning, which is E-Learning (16)."
        ),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN
    )
    offering_unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("offered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="courses_trained",
    )
    enrolment_policy = models.CharField(
        _("enrolment policy"),
        max_length=10,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OPEN,
    )
    require_all_lessons = models.BooleanField(
        _("all required lessons must be completed"), default=True
    )
    evaluation_required = models.BooleanField(
        _("course evaluation required before completion"), default=True
    )
    certificate_enabled = models.BooleanField(_("issue a certificate"), default=True)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the certificate does not expire."),
    )
    completion_is_assessment = models.BooleanField(
        _("completion is an assessment"),
        default=False,
        help_text=_(
            "Completing the course approves the competency levels it develops at once; "
            "otherwise they are submitted to HR for approval."
        ),
    )

    base_form_class = CoursePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("description"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldPanel("jp_hours"),
                FieldPanel("delivery_mode"),
                FieldPanel("siasn_development_type"),
                FieldPanel("language"),
                FieldPanel("offering_unit"),
            ],
            heading=_("Course facts"),
        ),
        InlinePanel(
            "course_competencies", heading=_("Competencies developed"), label=_("competency")
        ),
        FieldPanel(
            "prerequisites",
            widget=SearchableCheckboxSelectMultiple(search_label=_("Search courses")),
        ),
        FieldPanel(
            "trainers",
            widget=SearchableCheckboxSelectMultiple(search_label=_("Search trainers")),
        ),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_policy"),
                FieldPanel("require_all_lessons"),
                FieldPanel("evaluation_required"),
                FieldPanel("certificate_enabled"),
                FieldPanel("certificate_validity_months"),
                FieldPanel("completion_is_assessment"),
            ],
            heading=_("Enrolment and completion"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.SearchField("description"),
        index.FilterField("delivery_mode"),
        index.FilterField("language"),
    ]

    parent_page_types = ["lms.CourseIndexPage"]
    subpage_types = [
        "lms.LessonPage",
        "lms.ScormLessonPage",
        "lms.H5pLessonPage",
        "lms.QuizPage",
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    @property
    def siasn_type_id(self) -> int | None:
        """The SIASN `jenisDiklat` id: the one HR chose, or 16 E-Learning for plain
        e-learning. The delivery mode says nothing about the kind of training (DOMAIN.md
        §7; SE LAN 18/2021): a blended or classroom course without a type has none."""
        if self.siasn_development_type:
            return self.siasn_development_type
        if self.delivery_mode == self.DeliveryMode.E_LEARNING:
            return DevelopmentType.E_LEARNING.value
        return None

    def clean(self):
        # The SIASN type rule lives in CoursePageForm, not here: Wagtail cleans the page on
        # every publish (approval, scheduled publishing), and courses saved before the rule
        # have no type (lms.W001 lists them); they must stay publishable.
        super().clean()
        if self.certificate_validity_months and not self.certificate_enabled:
            raise ValidationError(
                {
                    "certificate_validity_months": _(
                        "Only courses with a certificate have a validity."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.courses import course_detail_for_user

        context = super().get_context(request, *args, **kwargs)
        context.update(
            course_detail_for_user(
                course=self,
                user=request.user,
                cached=not getattr(request, "is_preview", False),
            )
        )
        return context


class CourseCompetency(Orderable):
    """A competency the course develops, up to a target level (1–5)."""

    course = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="course_competencies", db_index=False
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        related_name="course_links",
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    panels = [FieldPanel("competency"), FieldPanel("target_level")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency developed")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "competency"], name="lms_course_competency_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5),
                name="lms_course_competency_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} → {self.target_level}"


class CourseChildMixin:
    """Lessons and quizzes find their course by tree path: one query, no specific() hop."""

    path: str
    steplen: int

    @property
    def course_path(self) -> str:
        return self.path[: -self.steplen]

    def get_course(self) -> CoursePage:
        return CoursePage.objects.get(path=self.course_path)


class LessonPage(LearnerRouteMixin, CourseChildMixin, Page):
    """One lesson of a course. Opening it records progress for an enrolled learner."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    is_required = models.BooleanField(_("required for completion"), default=True)
    minimum_minutes = models.PositiveSmallIntegerField(
        _("minimum time (minutes)"),
        default=0,
        help_text=_(
            "A learner can mark the lesson complete only this long after first opening it. "
            "0 means no minimum."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("minimum_minutes"),
        FieldPanel("is_required"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["lms.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.courses import lesson_context_for_user

        context = super().get_context(request, *args, **kwargs)
        context.update(
            lesson_context_for_user(
                lesson=self, user=request.user, progress=getattr(request, "_lms_progress", None)
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        from lms.services.enrolments import lesson_progress_open

        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            request._lms_progress = lesson_progress_open(user=request.user, lesson=self)
        return super().serve(request, *args, **kwargs)


class QuizPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        if "questions" in self.fields and parent is not None:
            # Only this course's question bank can be drawn from.
            self.fields["questions"].queryset = self.fields["questions"].queryset.filter(
                course_id=parent.pk
            )

    def clean(self):
        cleaned = super().clean()
        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        self.instance.role = cleaned.get("role", self.instance.role)
        if parent is not None and self.instance.role_taken_under(parent):
            self.add_error("role", _("This course already has a quiz with this role."))
        category = (cleaned.get("draw_category") or "").strip()
        if category:
            from lms.models.quizzes import Question

            if cleaned.get("selection") != QuizPage.Selection.RANDOM:
                self.add_error(
                    "draw_category", _("Drawing from a category needs random selection.")
                )
            elif (
                parent is not None
                and not Question.objects.filter(
                    course_id=parent.pk, category__iexact=category
                ).exists()
            ):
                self.add_error("draw_category", _("The course has no questions in this category."))
        return cleaned


class QuizPage(LearnerRouteMixin, CourseChildMixin, Page):
    """A quiz over the course's question bank. Grading lives in lms/services/quizzes.py."""

    class Role(models.TextChoices):
        REGULAR = "regular", _("Regular quiz")
        PRE_TEST = "pre_test", _("Pre-test")
        POST_TEST = "post_test", _("Post-test")

    class Selection(models.TextChoices):
        FIXED = "fixed", _("Fixed: the chosen questions, in order")
        RANDOM = "random", _("Random: draw from the chosen questions (or the whole bank)")

    class Review(models.TextChoices):
        """From which moment a learner may see one part of a submitted attempt (Moodle's
        review options). Each later moment includes the earlier ones' audience."""

        AFTER_ATTEMPT = "attempt", _("After each attempt")
        AFTER_FINAL = "final", _("After the last attempt or a pass")
        NEVER = "never", _("Never")

    intro = RichTextField(_("introduction"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REGULAR)
    selection = models.CharField(
        _("question selection"), max_length=6, choices=Selection.choices, default=Selection.FIXED
    )
    questions = ParentalManyToManyField(
        "lms.Question", verbose_name=_("questions"), blank=True, related_name="quizzes"
    )
    question_count = models.PositiveSmallIntegerField(
        _("number of questions drawn"),
        null=True,
        blank=True,
        help_text=_("For random selection. Empty means all."),
    )
    shuffle_options = models.BooleanField(_("shuffle answer options"), default=True)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, help_text=_("0 means unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    draw_category = models.CharField(
        _("draw from category"),
        max_length=100,
        blank=True,
        help_text=_(
            "For random selection: draw from the course's questions in this category "
            "instead of the chosen questions."
        ),
    )
    # Review options: what a learner sees of a submitted attempt, and from when. The
    # defaults keep the right answers back until the last attempt is used or the quiz is
    # passed, so a blank first attempt cannot harvest them.
    review_score = models.CharField(
        _("show the score and pass/fail"),
        max_length=8,
        choices=Review.choices,
        default=Review.AFTER_ATTEMPT,
    )
    review_correctness = models.CharField(
        _("show whether each answer was correct"),
        max_length=8,
        choices=Review.choices,
        default=Review.AFTER_ATTEMPT,
    )
    review_right_answer = models.CharField(
        _("show the right answers"),
        max_length=8,
        choices=Review.choices,
        default=Review.AFTER_FINAL,
    )
    review_feedback = models.CharField(
        _("show explanations and feedback"),
        max_length=8,
        choices=Review.choices,
        default=Review.AFTER_FINAL,
    )
    required_for_completion = models.BooleanField(_("must be passed to complete"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("role"),
                FieldPanel("selection"),
                FieldPanel("questions", widget=forms.CheckboxSelectMultiple),
                FieldPanel("question_count"),
                FieldPanel("draw_category"),
                FieldPanel("shuffle_options"),
            ],
            heading=_("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark_percent"),
                FieldPanel("max_attempts"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("required_for_completion"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("review_score"),
                FieldPanel("review_correctness"),
                FieldPanel("review_right_answer"),
                FieldPanel("review_feedback"),
            ],
            heading=_("Review options"),
        ),
    ]

    base_form_class = QuizPageForm
    parent_page_types = ["lms.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def role_taken_under(self, parent: Page) -> bool:
        """A course has at most one pre-test and one post-test."""
        if self.role == self.Role.REGULAR:
            return False
        siblings = QuizPage.objects.child_of(parent).filter(role=self.role)
        return siblings.exclude(pk=self.pk).exists()

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.quizzes import quiz_context_for_user

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_context_for_user(quiz=self, user=request.user))
        return context


# PUBLIC FRONT PAGE AND NEWS (docs/transparency.md) ---------------------------------------


class HomePageFeaturedCourse(Orderable):
    """A course the administrators feature on the public front page."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_courses")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured course")
        verbose_name_plural = _("featured courses")

    def __str__(self) -> str:
        return str(self.course)


class NewsIndexPage(Page):
    """News and announcements (berita dan pengumuman), newest first, paginated."""

    PAGE_SIZE = 10

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["lms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.public import news_list

        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = news_list(
            index=self, page_number=request.GET.get("page"), per_page=self.PAGE_SIZE
        )
        return context


class NewsPage(Page):
    """One announcement."""

    date = models.DateField(_("date"))
    intro = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("image"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["lms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
