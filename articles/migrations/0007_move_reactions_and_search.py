"""Reactions and the search index's tables became apps of their own (`reactions`,
`search`). Only Django's idea of which app holds the models changes here: the tables
stay as they are, under their old names (see the models' `db_table`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_search_single_pass"),
        ("reactions", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='moderationword',
                    name='moderation_word_action_valid',
                ),
                migrations.DeleteModel(
                    name='ModerationWord',
                ),
                migrations.RemoveIndex(
                    model_name='reaction',
                    name='articles_re_column__881bb1_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='reaction',
                    name='reaction_status_valid',
                ),
                migrations.RemoveConstraint(
                    model_name='reaction',
                    name='reaction_not_twice_from_one_address',
                ),
                migrations.DeleteModel(
                    name='SearchIndexInfo',
                ),
                migrations.DeleteModel(
                    name='SearchWord',
                ),
                migrations.RemoveField(
                    model_name='reaction',
                    name='column',
                ),
                migrations.RemoveField(
                    model_name='reaction',
                    name='moderated_by',
                ),
                migrations.RemoveField(
                    model_name='reaction',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='reaction',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='TrustedAddress',
                ),
                migrations.DeleteModel(
                    name='Reaction',
                ),
            ],
            database_operations=[],
        ),
    ]
