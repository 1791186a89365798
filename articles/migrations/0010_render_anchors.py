"""Render the stored HTML again: subheadings now carry their anchors."""

from django.db import migrations

from articles.markdown import count_words, render_markdown


def render_again(apps, schema_editor):
    for model, source, target in [
        ("Column", "body", "body_html"),
        ("Author", "bio", "bio_html"),
        ("Theme", "description", "description_html"),
    ]:
        Model = apps.get_model("articles", model)
        for pk, text in Model.objects.values_list("pk", source).iterator():
            changes = {target: render_markdown(text)}
            if model == "Column":
                changes["word_count"] = count_words(text)
            Model.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_column_images")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
