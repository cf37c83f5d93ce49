from __future__ import annotations

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

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.nip == "":
            self.nip = None
