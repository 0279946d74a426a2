"""Trigram indexes for search (`q`), on PostgreSQL; SQLite has no GIN indexes and scans."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

INDEXES = [
    GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"company_{short}_trgm")
    for field, short in {
        "name": "name",
        "legal_name": "legal",
        "description_en": "desc_en",
        "description_ru": "desc_ru",
        "description_zh_hans": "desc_zh",
    }.items()
]


def _on_postgresql(change):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            company = apps.get_model("companies", "Company")
            for index in INDEXES:
                change(schema_editor, company, index)

    return run


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_history_version_and_optional_slug")]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="company", index=index) for index in INDEXES
            ],
            database_operations=[
                migrations.RunPython(
                    _on_postgresql(lambda editor, model, index: editor.add_index(model, index)),
                    _on_postgresql(lambda editor, model, index: editor.remove_index(model, index)),
                )
            ],
        ),
    ]
