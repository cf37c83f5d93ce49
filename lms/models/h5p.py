"""H5P lessons (docs/h5p.md): the uploaded .h5p package, the lesson page that plays it
with h5p-standalone and each learner's result from the player's xAPI statements.

An `H5pLessonPage` *is* a `LessonPage` (multi-table inheritance), like the SCORM lesson:
the course outline, the review workflow, lesson progress and the completion engine treat
it like any lesson; it completes when the content reports it completed."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from lms.models.pages import LessonPage


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class H5pPackage(models.Model):
    """An unpacked .h5p package (h5p.json, content/, the libraries) in the default storage
    under `h5p/<token>/`; the token (256 random bits) is also its files' URL prefix."""

    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    title = models.CharField(_("title"), max_length=255, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255)
    # "H5P.MultiChoice 1.16": the content type, from h5p.json's mainLibrary.
    main_library = models.CharField(_("content type"), max_length=255)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    size_bytes = models.PositiveBigIntegerField(_("unpacked size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Its learners, trainers and editors may fetch the files (also while in review).
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="h5p_packages",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")

    def __str__(self) -> str:
        return self.title or self.original_filename

    @property
    def storage_prefix(self) -> str:
        return f"h5p/{self.token}/"


class H5pLessonPageForm(WagtailAdminPageForm):
    """The .h5p file is uploaded on the page's edit screen, checked in clean() and
    unpacked in save() (as ScormLessonPageForm does)."""

    package_file = forms.FileField(
        label=_("H5P content (.h5p)"),
        required=False,
        help_text=_(
            "An .h5p file exported with its libraries (H5P editor: Reuse → Download as an "
            ".h5p file). Uploading a new file replaces the content."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}),
    )

    def clean(self):
        from lms.services.h5p import h5p_package_check
        from lms.services.scorm import PackageError

        cleaned = super().clean()
        upload = cleaned.get("package_file")
        self._h5p_checked = None
        if upload:
            try:
                self._h5p_checked = h5p_package_check(upload=upload)
            except PackageError as error:
                self.add_error("package_file", str(error))
        elif not self.instance.package_id:
            self.add_error("package_file", _("Upload the lesson's H5P content."))
        return cleaned

    def save(self, commit=True):
        from lms.services.h5p import h5p_package_store

        page = super().save(commit=False)
        checked = getattr(self, "_h5p_checked", None)
        if checked is not None:
            course = self.parent_page if page.pk is None else page.get_parent()
            page.package = h5p_package_store(
                checked=checked,
                actor=getattr(self, "for_user", None),
                course=course.specific if course is not None else None,
            )
        if commit:
            page.save()
        return page


class H5pLessonPage(LessonPage):
    """A lesson whose content is an H5P package. It completes when the content reports
    `completed` (or an answer with completion) through the player's xAPI events, at or
    above the passing score when one is set; there is no "mark as completed" button."""

    package = models.ForeignKey(
        H5pPackage,
        verbose_name=_("H5P content"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Optional. The lesson completes only when the learner's score reaches this "
            "percentage; without it, finishing the content completes the lesson unless the "
            "content reports a failure."
        ),
    )
    frame_height = models.PositiveSmallIntegerField(
        _("player height (pixels)"),
        default=600,
        validators=[MinValueValidator(200), MaxValueValidator(2000)],
    )

    base_form_class = H5pLessonPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
        FieldPanel("package_file"),
        FieldPanel("passing_score"),
        FieldPanel("frame_height"),
        FieldPanel("body", heading=_("Introduction")),
    ]

    parent_page_types = ["lms.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("H5P lesson")
        verbose_name_plural = _("H5P lessons")

    def clean(self):
        super().clean()
        if self.minimum_minutes:
            raise ValidationError(
                {"minimum_minutes": _("An H5P lesson completes through its content.")}
            )

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.h5p import h5p_lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(
            h5p_lesson_context(
                lesson=self,
                progress=context.get("progress"),
                preview=bool(getattr(request, "is_preview", False)),
                user=request.user,
                portal_origin=f"{request.scheme}://{request.get_host()}",
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The player runs in a frame served by the portal (lms.views.h5p.h5p_player) or by
        # the separate content origin when there is one (h5p_content_player).
        origin = settings.LMS_PACKAGE_CONTENT_ORIGIN
        response._csp_update = {"frame-src": [origin or "'self'"]}  # django-csp 4
        return response


class H5pResult(models.Model):
    """A learner's result at an H5P lesson within one enrolment (a retake cycle starts a
    new one): the latest score the content reported for itself (not its sub-questions),
    the best scaled score and when the lesson was completed."""

    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.CASCADE, related_name="h5p_results", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="h5p_results"
    )
    lesson = models.ForeignKey(
        H5pLessonPage, on_delete=models.SET_NULL, null=True, related_name="results"
    )
    package = models.ForeignKey(
        H5pPackage, on_delete=models.SET_NULL, null=True, related_name="results"
    )
    last_verb = models.CharField(_("last event"), max_length=20, blank=True)
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    best_scaled = models.FloatField(_("best scaled score"), null=True, blank=True)
    success = models.BooleanField(_("passed"), null=True, blank=True)
    statements = models.PositiveIntegerField(_("events"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="lms_h5p_result_unique_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.lesson_id}"
