"""SCORM lessons (docs/scorm.md): the uploaded package, the lesson page that plays it and
each learner's attempts with their CMI data.

A `ScormLessonPage` *is* a `LessonPage` (multi-table inheritance), so the course outline,
the review workflow, lesson progress and the completion engine treat it like any lesson;
only its content (the package in a frame) and the way it completes (the package's
runtime reports it) differ."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

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


class ScormPackage(models.Model):
    """An unpacked SCORM package in the default storage under `scorm/<token>/`. The token
    (256 random bits) is both the storage prefix and the URL prefix of its files."""

    class Version(models.TextChoices):
        SCORM_12 = "1.2", "SCORM 1.2"
        SCORM_2004 = "2004", "SCORM 2004"

    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    title = models.CharField(_("title"), max_length=255, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255)
    version = models.CharField(_("SCORM version"), max_length=4, choices=Version.choices)
    # The launchable items of the default organisation, in order (lms.scorm_manifest.Sco).
    scos = models.JSONField(_("items"), default=list)
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
    # The course the package was uploaded into: its learners, trainers and editors may
    # fetch the package's files (also while the lesson is a draft in review).
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scorm_packages",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    def __str__(self) -> str:
        return self.title or self.original_filename

    @property
    def storage_prefix(self) -> str:
        return f"scorm/{self.token}/"

    def sco(self, identifier: str | None) -> dict[str, Any] | None:
        """The item with this identifier, or the first one when none is asked for."""
        if not self.scos:
            return None
        if not identifier:
            return self.scos[0]
        return next((sco for sco in self.scos if sco["identifier"] == identifier), None)


class ScormLessonPageForm(WagtailAdminPageForm):
    """The lesson's package is uploaded on the page's own edit screen. The file is checked
    in clean() (streamed from the upload's temporary file) and unpacked in save()."""

    package_file = forms.FileField(
        label=_("SCORM package (.zip)"),
        required=False,
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 package exported by the authoring tool "
            "(Articulate, iSpring, Captivate…). Uploading a new file replaces the package."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean(self):
        from lms.services.scorm import PackageError, scorm_package_check

        cleaned = super().clean()
        upload = cleaned.get("package_file")
        self._scorm_checked = None
        if upload:
            try:
                self._scorm_checked = scorm_package_check(upload=upload)
            except PackageError as error:
                self.add_error("package_file", str(error))
        elif not self.instance.package_id:
            self.add_error("package_file", _("Upload the lesson's SCORM package."))
        return cleaned

    def save(self, commit=True):
        from lms.services.scorm import scorm_package_store

        page = super().save(commit=False)
        checked = getattr(self, "_scorm_checked", None)
        if checked is not None:
            course = self.parent_page if page.pk is None else page.get_parent()
            page.package = scorm_package_store(
                checked=checked,
                actor=getattr(self, "for_user", None),
                course=course.specific if course is not None else None,
            )
        if commit:
            page.save()
        return page


class ScormLessonPage(LessonPage):
    """A lesson whose content is a SCORM package. It completes when the package reports
    every item completed (or passed) through the runtime; there is no "mark as
    completed" button."""

    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("SCORM package"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mastery_score = models.PositiveSmallIntegerField(
        _("passing score (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Optional. A SCORM 2004 item that reports a score but no pass/fail passes at "
            "this scaled score; for SCORM 1.2 it overrides the manifest's mastery score."
        ),
    )
    frame_height = models.PositiveSmallIntegerField(
        _("player height (pixels)"),
        default=640,
        validators=[MinValueValidator(300), MaxValueValidator(2000)],
    )

    base_form_class = ScormLessonPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
        FieldPanel("package_file"),
        FieldPanel("mastery_score"),
        FieldPanel("frame_height"),
        FieldPanel("body", heading=_("Introduction")),
    ]

    parent_page_types = ["lms.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("SCORM lesson")
        verbose_name_plural = _("SCORM lessons")

    def clean(self):
        super().clean()
        if self.minimum_minutes:
            raise ValidationError(
                {"minimum_minutes": _("A SCORM lesson completes through its package.")}
            )

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.scorm import scorm_launch_context

        context = super().get_context(request, *args, **kwargs)
        context.update(
            scorm_launch_context(
                lesson=self,
                user=request.user,
                progress=context.get("progress"),
                attempt=getattr(request, "_scorm_attempt", None),
                sco_identifier=request.GET.get("item", ""),
                preview=bool(getattr(request, "is_preview", False)),
                portal_origin=f"{request.scheme}://{request.get_host()}",
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        """Like a lesson: an enrolled learner's opening is recorded; then the attempt at
        the chosen item is started or resumed (lms.services.scorm)."""
        from lms.services.enrolments import lesson_progress_open
        from lms.services.scorm import scorm_attempt_launch

        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            progress = lesson_progress_open(user=request.user, lesson=self)
            request._lms_progress = progress
            if progress is not None:
                request._scorm_attempt = scorm_attempt_launch(
                    enrolment=progress.enrolment,
                    lesson=self,
                    sco_identifier=request.GET.get("item", ""),
                )
        response = Page.serve(self, request, *args, **kwargs)
        # The package plays in a frame of this page, served by the portal
        # (lms.views.scorm.scorm_file) or by the separate content origin when there is
        # one (lms.views.scorm.scorm_content_player, docs/scorm.md "Security").
        origin = settings.LMS_PACKAGE_CONTENT_ORIGIN
        response._csp_update = {"frame-src": [origin or "'self'"]}  # django-csp 4
        return response


class ScormAttempt(models.Model):
    """One learner's attempt at one item (SCO) of a SCORM lesson, within one enrolment
    (so a retake cycle starts new attempts and earlier ones stay as history). A failed
    attempt that the package ended (not suspended) is followed by a new attempt at the
    next launch."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.CASCADE, related_name="scorm_attempts", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorm_attempts"
    )
    lesson = models.ForeignKey(
        ScormLessonPage, on_delete=models.SET_NULL, null=True, related_name="attempts"
    )
    package = models.ForeignKey(
        ScormPackage, on_delete=models.SET_NULL, null=True, related_name="attempts"
    )
    version = models.CharField(max_length=4, choices=ScormPackage.Version.choices)
    sco_identifier = models.CharField(_("item"), max_length=200)
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)

    # The last committed CMI data model, as the runtime sent it.
    cmi = models.JSONField(default=dict, blank=True)
    location = models.CharField(_("location"), max_length=1000, blank=True)
    suspend_data = models.TextField(_("suspend data"), blank=True)
    # 1.2 cmi.core.lesson_status, or 2004 cmi.completion_status.
    completion_status = models.CharField(_("completion status"), max_length=20, blank=True)
    # 2004 cmi.success_status (1.2: passed/failed from lesson_status).
    success_status = models.CharField(_("success status"), max_length=20, blank=True)
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    exit = models.CharField(max_length=20, blank=True)
    interactions = models.JSONField(default=list, blank=True)
    # total_time = seconds of the finished sessions + the current session's session_time
    # (the runtime reports the session's time again at every commit).
    previous_sessions_seconds = models.PositiveIntegerField(default=0)
    session_key = models.CharField(max_length=64, blank=True)
    session_seconds = models.PositiveIntegerField(default=0)
    terminated = models.BooleanField(default=False)
    commits = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        ordering = ["enrolment", "lesson", "sco_identifier", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "sco_identifier", "number"],
                name="lms_scorm_attempt_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.sco_identifier} #{self.number}"

    @property
    def total_seconds(self) -> int:
        return self.previous_sessions_seconds + self.session_seconds
