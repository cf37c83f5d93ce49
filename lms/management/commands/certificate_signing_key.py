"""The Ed25519 key that signs Open Badges credentials (docs/certificates.md).

manage.py certificate_signing_key              # show the path, key id and public JWK
manage.py certificate_signing_key --generate   # create it (refuses to replace one)
manage.py certificate_signing_key --generate --force   # rotate (old credentials stop verifying)
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from lms.services import credentials


class Command(BaseCommand):
    help = "Generate or show the Ed25519 key that signs Open Badges credentials."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="Create the key pair.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --generate: replace an existing key (credentials signed with it "
            "will no longer verify).",
        )

    def handle(self, *args, generate: bool = False, force: bool = False, **options):
        path = credentials.signing_key_path()
        if generate:
            try:
                credentials.signing_key_generate(path=path, overwrite=force)
            except FileExistsError as exc:
                raise CommandError(
                    f"A key already exists at {path}; use --force to replace it."
                ) from exc
            self.stdout.write(self.style.SUCCESS(f"Generated {path} (mode 0600)."))
        elif not path.exists():
            raise CommandError(f"No key at {path}; run with --generate.")
        self.stdout.write(f"Key file: {path}")
        self.stdout.write(f"Key id:   {credentials.key_id()}")
        self.stdout.write(json.dumps(credentials.jwks(), indent=2))
