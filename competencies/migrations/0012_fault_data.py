# Placeholder reserved for one line of work this round; filled in or removed before commit.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("competencies", "0011_security_hardening")]

    operations = []
