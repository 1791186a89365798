"""History: the search index took its single-pass layout here while search lived in
`articles`; the search app (search/0001_initial) now creates its tables itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_rows"),
    ]

    operations = []
