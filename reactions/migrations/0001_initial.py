"""Reactions move here from `articles`, tables and data untouched (see the models' `db_table`)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

LABEL = "reactions"
MODELS = ["reaction", "moderationword", "trustedaddress"]


def relabel(apps, from_label, to_label):
    """Move the content types (and so the permissions given to groups) with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=to_label, model=model).exists():
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def forwards(apps, schema_editor):
    relabel(apps, "articles", LABEL)


def backwards(apps, schema_editor):
    relabel(apps, LABEL, "articles")


class Migration(migrations.Migration):
    dependencies = [
        ('articles', '0006_search_single_pass'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables exist (made by articles/0003 when these models lived there): only
        # the state moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ModerationWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phrase', models.CharField(help_text='Telt alleen als heel woord; hoofdletters maken niet uit.', max_length=100, unique=True, verbose_name='woord of zinsdeel')),
                        ('action', models.CharField(choices=[('block', 'Blokkeren (spam)'), ('hold', 'Laten wachten op goedkeuring')], max_length=10, verbose_name='actie')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='toegevoegd')),
                    ],
                    options={
                        'verbose_name': 'moderatiewoord',
                        'verbose_name_plural': 'moderatiewoorden',
                        'db_table': 'articles_moderationword',
                        'ordering': ['action', 'phrase'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['block', 'hold'])), name='moderation_word_action_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='TrustedAddress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, unique=True, verbose_name='e-mailadres')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='vertrouwd sinds')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='door')),
                    ],
                    options={
                        'verbose_name': 'vertrouwd e-mailadres',
                        'verbose_name_plural': 'vertrouwde e-mailadressen',
                        'db_table': 'articles_trustedaddress',
                        'ordering': ['email'],
                    },
                ),
                migrations.CreateModel(
                    name='Reaction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='naam')),
                        ('email', models.EmailField(blank=True, db_index=True, max_length=254, verbose_name='e-mailadres')),
                        ('body', models.TextField(blank=True, max_length=5000, verbose_name='reactie')),
                        ('body_html', models.TextField(blank=True, editable=False)),
                        ('body_digest', models.CharField(blank=True, editable=False, max_length=64)),
                        ('status', models.CharField(choices=[('pending', 'Wacht op goedkeuring'), ('approved', 'Goedgekeurd'), ('spam', 'Spam'), ('removed', 'Verwijderd')], db_index=True, default='pending', max_length=10, verbose_name='status')),
                        ('reason', models.CharField(blank=True, choices=[('blocked_word', 'Geblokkeerd woord of zinsdeel'), ('held_word', 'Woord of zinsdeel dat op controle wacht'), ('link', 'Bevat een link'), ('first', 'Nog geen goedgekeurde reactie van dit e-mailadres'), ('known', 'E-mailadres met een eerder goedgekeurde reactie'), ('trusted', 'Vertrouwd e-mailadres'), ('editor', 'Geschreven door de redactie')], max_length=20, verbose_name='reden')),
                        ('reason_detail', models.CharField(blank=True, max_length=200, verbose_name='toelichting')),
                        ('by_editor', models.BooleanField(default=False, verbose_name='van de redactie')),
                        ('client_hash', models.CharField(blank=True, help_text='Versleutelde vingerafdruk van het internetadres; na 30 dagen gewist.', max_length=64, verbose_name='adres-hash')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='geplaatst')),
                        ('moderated_at', models.DateTimeField(blank=True, null=True, verbose_name='beoordeeld')),
                        ('column', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reactions', to='articles.column', verbose_name='column')),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beoordeeld door')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='reactions.reaction', verbose_name='antwoord op')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='redacteur')),
                    ],
                    options={
                        'verbose_name': 'reactie',
                        'verbose_name_plural': 'reacties',
                        'db_table': 'articles_reaction',
                        'ordering': ['created_at', 'pk'],
                        'indexes': [models.Index(fields=['column', 'status', 'created_at'], name='articles_re_column__881bb1_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'spam', 'removed'])), name='reaction_status_valid'), models.UniqueConstraint(condition=models.Q(models.Q(('client_hash', ''), _negated=True), models.Q(('body_digest', ''), _negated=True)), fields=('column', 'client_hash', 'body_digest'), name='reaction_not_twice_from_one_address')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
