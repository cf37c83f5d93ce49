from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from accounts.nip import validate_nip_digits


class User(AbstractUser):
    """A person who signs in. E-mail is the login; an employee may also sign in with
    their NIP. HR data (unit, position, golongan...) lives on competencies.Employee."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nip_digits],
        help_text=_("18 digits, without spaces. Lets the person sign in with their NIP."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="id",
        help_text=_("Language of the e-mails and notifications this person receives."),
    )
    invitation_sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    # Durable "invitation owed" mark (docs/deployment.md, sweeps): set with the request in
    # the account's own transaction, cleared when the e-mail goes out (under the row lock)
    # or is no longer needed; user_invitations_sweep sends what is still owed from then on.
    invitation_sweep_at = models.DateTimeField(
        _("invitation owed, sweep at"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # django-stubs types AbstractUser.objects as its username-based manager.
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [
            # The sweep's look-up: only owed invitations are in the index.
            models.Index(
                fields=["invitation_sweep_at"],
                name="accounts_user_invite_owed",
                condition=models.Q(invitation_sweep_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.nip == "":
            self.nip = None


class NotificationKind(models.TextChoices):
    """Every kind of notice the portal sends. In-app notices are always kept; e-mail can
    be turned off per kind by each person (NotificationPreference)."""

    ASSIGNMENT_NEW = "assignment_new", _("New training assignment")
    ASSIGNMENT_DUE_7 = "assignment_due_7", _("Assignment due in 7 days")
    ASSIGNMENT_DUE_1 = "assignment_due_1", _("Assignment due tomorrow")
    ASSIGNMENT_OVERDUE = "assignment_overdue", _("Assignment overdue")
    REPORT_OVERDUE = "report_overdue", _("A team member's assignment is overdue")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring in 30 days")
    ASSESSMENT_TO_APPROVE = "assessment_to_approve", _("Assessment waiting for approval")
    ASSESSMENT_DECIDED = "assessment_decided", _("Assessment approved or rejected")
    RECORD_TO_APPROVE = "record_to_approve", _("Training record waiting for approval")
    RECORD_DECIDED = "record_decided", _("Training record approved or rejected")
    REMINDER = "reminder", _("Reminder from your supervisor")
    PROPOSAL_ANSWERED = "proposal_answered", _("Answer to a training-need proposal")
    CLASSROOM = "classroom", _("Classroom training: nominations, selection and timetable")
    IDP = "idp", _("Individual development plans: proposed, agreed, returned, coaching sessions")
    DEVELOPMENT_PLAN = (
        "development_plan",
        _("The agency's development plan: submitted, approved or returned"),
    )


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (turned off)")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # What the message is about (names, dates…); the text itself is rendered from
    # templates/notifications/<kind>.txt in the reader's language when shown or sent.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # NULL, not "": notices without a key must not collide on the unique constraint.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("deduplication key"),
        max_length=120,
        null=True,
        blank=True,
        help_text=_("The same key never creates a second notice (reminders run twice safely)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    # When the sweep last queued the pending e-mail: a batch still waiting in the queue is
    # not queued again before its lease (accounts.services.NOTIFICATION_EMAIL_LEASE) ends.
    email_queued_at = models.DateTimeField(
        _("e-mail queued at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A constraint, not `unique=True`: on PostgreSQL that would build a second,
            # `varchar_pattern_ops` index for LIKE queries, which nothing runs on this key
            # (tests/perf/test_redundant_indexes.py).
            models.UniqueConstraint(fields=["dedupe_key"], name="accounts_notif_dedupe_key_unique"),
        ]
        indexes = [
            # Also serves every look-up by user alone (the user key has no index of its own).
            models.Index(fields=["user", "read_at"], name="accounts_notif_unread_idx"),
            # The e-mail sweep's look-up (every minute): only pending e-mails.
            models.Index(
                fields=["created_at"],
                name="accounts_notif_email_pending",
                condition=models.Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationPreference(models.Model):
    """Only the kinds a person turned e-mail off for are stored: no row means "on"."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(_("send by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="accounts_notif_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.email}"


def api_token_digest(key: str) -> str:
    """What is stored of an API token: its SHA-256 digest (hex). The token is 160 random
    bits, so a plain digest (no salt, no slow hash) cannot be reversed, and it can be
    looked up by an index."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """The /api/v1/ token of a service account (docs/api.md), one per account. Only its
    digest is stored: the token is shown once, by `manage.py issue_api_token`, and a lost
    token is replaced, never looked up."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("first characters"),
        max_length=8,
        editable=False,
        help_text=_("The token's first characters, to tell tokens apart."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
