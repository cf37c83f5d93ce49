"""Uploaded import files waiting for the HR manager's "Import now" (docs/imports.md).

Kept in the database rather than on a web machine's disk, so the preview and the import
may be served by different machines; a file is at most 10 MB and lives at most a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    class Check(models.TextChoices):
        # A small file is checked in the request (no state kept); a large one by a
        # Celery task that stores its progress and report here.
        INLINE = "", _("in the request")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20)
    file_format = models.CharField(_("format"), max_length=10)
    name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    check_status = models.CharField(
        _("check"), max_length=10, choices=Check.choices, default=Check.INLINE, blank=True
    )
    check_progress = models.PositiveSmallIntegerField(_("check progress (%)"), default=0)
    check_report = models.JSONField(_("check report"), null=True, blank=True)
    check_updated_at = models.DateTimeField(_("check updated at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.name
