"""The xAPI outbox (docs/xapi.md): one row per learning event, written in the same
transaction as the event, delivered to the LRS by lms.tasks.xapi_statements_deliver."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class XapiStatement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        # The LRS refused it for good (400, or 409: a different statement has its id).
        REJECTED = "rejected", _("Rejected by the LRS")

    # The statement's own id (deterministic: lms.xapi.statements.statement_id).
    id = models.UUIDField(primary_key=True, editable=False)
    verb = models.CharField(_("verb"), max_length=20)
    statement = models.JSONField(_("statement"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("recorded at"))
    next_try_at = models.DateTimeField(_("next try at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [
            models.Index(
                fields=["next_try_at", "created_at"],
                condition=Q(status="pending"),
                name="lms_xapi_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.id}"
