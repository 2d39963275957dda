"""Notice moved here from the former `entry` app: the model's state is created, the table is kept.

A database migrated before the move already has the table `entry_notice` (with its rows): nothing is
created, and the content type moves with the model so that permissions granted on it stay. A fresh
database gets the table here.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "entry_notice"


def create_table_unless_kept(apps, schema_editor):
    if TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(apps.get_model("notices", "Notice"))


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("notices", "Notice"))


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notices", model="notice").exists():
        ContentType.objects.filter(app_label="entry", model="notice").update(app_label="notices")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=160, unique=True, verbose_name='key')),
                        ('kind', models.CharField(choices=[('returned', 'figure returned'), ('reminder', 'deadline reminder'), ('overdue', 'overdue digest')], max_length=10, verbose_name='kind')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='body')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.CharField(blank=True, max_length=300, verbose_name='last error')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notice',
                        'verbose_name_plural': 'notices',
                        'db_table': TABLE,
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['sent_at', 'attempts'], name='notice_unsent')],
                    },
                ),
            ],
        ),
        # After the state exists (inside SeparateDatabaseAndState a RunPython sees the state before it).
        migrations.RunPython(create_table_unless_kept, drop_table),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
