"""History: the search rows were added here while search lived in `articles`; the
search app (search/0001_initial) now creates its tables itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search_index"),
    ]

    operations = []
