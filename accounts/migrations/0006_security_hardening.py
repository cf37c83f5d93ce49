# Placeholder reserved for one line of work this round; filled in or removed before commit.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_notification_kinds_expiring_proposal")]

    operations = []
