"""Search (`q`) from one trigram index over the searched columns as one text, with the
country (btree_gin), in place of a trigram index per column; on PostgreSQL only, as in
0003: SQLite has no GIN indexes and scans."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Upper

from companies.models import SearchText

PER_COLUMN = [
    GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"company_{short}_trgm")
    for field, short in {
        "name": "name",
        "legal_name": "legal",
        "description_en": "desc_en",
        "description_ru": "desc_ru",
        "description_zh_hans": "desc_zh",
    }.items()
]
SEARCH = GinIndex(
    F("country"), OpClass(Upper(SearchText()), name="gin_trgm_ops"), name="company_search_trgm"
)


class BtreeGinOnPostgreSQL(BtreeGinExtension):
    """Django's operation skips other databases when applied, not when reversed."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _on_postgresql(removed, added):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            company = apps.get_model("companies", "Company")
            for index in removed:
                schema_editor.remove_index(company, index)
            for index in added:
                schema_editor.add_index(company, index)

    return run


class Migration(migrations.Migration):
    dependencies = [("companies", "0014_names_compared")]

    operations = [
        BtreeGinOnPostgreSQL(),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *(
                    migrations.RemoveIndex(model_name="company", name=index.name)
                    for index in PER_COLUMN
                ),
                migrations.AddIndex(model_name="company", index=SEARCH),
            ],
            database_operations=[
                migrations.RunPython(
                    _on_postgresql(PER_COLUMN, [SEARCH]), _on_postgresql([SEARCH], PER_COLUMN)
                )
            ],
        ),
    ]
