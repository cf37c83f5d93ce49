"""Prints a new API token for a service account, replacing its previous token."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.api import api_token_issue
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Issue a new /api/v1/ token for a service account (the old one stops working) "
        "and print it. The account needs the 'Layanan API' role (or is an administrator)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="E-mail address of the account")

    def handle(self, *args, **options):
        email = options["user"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        try:
            key = api_token_issue(user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)
