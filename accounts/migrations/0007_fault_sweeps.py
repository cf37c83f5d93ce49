# Side effects that must happen eventually (docs/deployment.md, sweeps): the durable
# "invitation owed" mark and the e-mail sweep's lease, each with the sweep's index.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_security_hardening")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_queued_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="e-mail queued at"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="invitation_sweep_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="invitation owed, sweep at"
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_status", "pending")),
                fields=["created_at"],
                name="accounts_notif_email_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                condition=models.Q(("invitation_sweep_at__isnull", False)),
                fields=["invitation_sweep_at"],
                name="accounts_user_invite_owed",
            ),
        ),
    ]
