# API tokens stored as SHA-256 digests (issue 15, docs/api.md): the new table, and every
# existing DRF plaintext token moved into it as its digest (the clients keep working).
import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hash_plaintext_tokens(apps, schema_editor) -> None:
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in Token.objects.all().iterator():
        ApiToken.objects.update_or_create(
            user_id=token.user_id,
            defaults={
                "digest": hashlib.sha256(token.key.encode()).hexdigest(),
                "prefix": token.key[:6],
            },
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_notification_kinds_expiring_proposal"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "digest",
                    models.CharField(
                        editable=False, max_length=64, unique=True, verbose_name="SHA-256 digest"
                    ),
                ),
                (
                    "prefix",
                    models.CharField(
                        editable=False,
                        help_text="The token's first characters, to tell tokens apart.",
                        max_length=8,
                        verbose_name="first characters",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_token",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={"verbose_name": "API token", "verbose_name_plural": "API tokens"},
        ),
        # Tokens cannot be turned back into plaintext: going back leaves them hashed.
        migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop),
    ]
