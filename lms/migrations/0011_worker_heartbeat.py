# Placeholder reserved for one line of work this round; filled in or removed before commit.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lms", "0010_fault_sweeps")]

    operations = []
