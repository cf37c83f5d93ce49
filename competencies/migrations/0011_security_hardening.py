# Placeholder reserved for one line of work this round; filled in or removed before commit.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("competencies", "0010_assessment_updated_at_index")]

    operations = []
