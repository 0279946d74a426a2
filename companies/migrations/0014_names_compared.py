
"""Names compared as people read them: every company's name normalised and its key
(name_key) filled, then the key made unique in place of the lower-cased name."""

import companies.text
import companies.validators
from django.db import migrations, models
from django.db.models import Count

from companies.text import name_key, name_normalise

BATCH = 5000
KEY_INDEX = "company_name_key_unique"


# Written in SQL: on SQLite, Django would add the column (it has a default) and the
# constraint by rebuilding the table with every index of the model, and the trigram
# indexes (0003) exist on PostgreSQL only. SQLite keeps the column's default ''.
#
# On PostgreSQL, names of printable ASCII words separated by single spaces (nearly all)
# are normalised already and their key is their lower case: the column is added computed
# so for them, in one rewrite of the table (at 100,000 companies 3.4 times faster than an
# UPDATE, which writes every index again), and only the other rows are read in Python.
PLAIN_NAME = "^[!-~]+( [!-~]+)*$"


def _table(schema_editor) -> str:
    return schema_editor.quote_name("companies_company")


def key_column_add(apps, schema_editor):
    table = _table(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN name_key varchar(600) NOT NULL GENERATED ALWAYS "
            f"AS (CASE WHEN name ~ '{PLAIN_NAME}' THEN lower(name) ELSE '' END) STORED"
        )
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN name_key DROP EXPRESSION")
    else:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN name_key varchar(600) NOT NULL DEFAULT ''"
        )


def key_column_remove(apps, schema_editor):
    schema_editor.execute(f"ALTER TABLE {_table(schema_editor)} DROP COLUMN name_key")


def key_unique_add(apps, schema_editor):
    name = schema_editor.quote_name(KEY_INDEX)
    if schema_editor.connection.vendor == "postgresql":
        # The names just updated leave foreign-key checks pending, which ALTER TABLE refuses.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {_table(schema_editor)} ADD CONSTRAINT {name} UNIQUE (name_key)")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        schema_editor.execute(f"CREATE UNIQUE INDEX {name} ON {_table(schema_editor)} (name_key)")


def key_unique_remove(apps, schema_editor):
    name = schema_editor.quote_name(KEY_INDEX)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {_table(schema_editor)} DROP CONSTRAINT {name}")
    else:
        schema_editor.execute(f"DROP INDEX {name}")


def names_normalise(apps, schema_editor):
    """Normalise the names and fill the keys not filled yet, in batches of BATCH companies;
    refuse names that read the same."""
    Company = apps.get_model("companies", "Company")
    unkeyed = Company.objects.filter(name_key="").only("pk", "name").order_by("pk")
    last = 0
    while batch := list(unkeyed.filter(pk__gt=last)[:BATCH]):
        for company in batch:
            company.name = name_normalise(company.name)
            company.name_key = name_key(company.name)
        Company.objects.bulk_update(batch, ["name", "name_key"], batch_size=1000)
        last = batch[-1].pk
    clashes = Company.objects.values("name_key").annotate(count=Count("pk")).filter(count__gt=1)
    if clashes:
        names = [
            " / ".join(
                repr(name)
                for name in Company.objects.filter(name_key=clash["name_key"])
                .order_by("pk")
                .values_list("name", flat=True)
            )
            for clash in clashes[:20]
        ]
        raise RuntimeError(
            "These companies have names that read the same; rename all but one of each "
            "group, then migrate again:\n" + "\n".join(names)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0013_figure_ledger'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='company',
            name='company_name_unique_ci',
        ),
        # Validators and field classes only: nothing changes in the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='claim',
                    name='claimed_on',
                    field=models.DateField(help_text='The date the statement speaks of.', validators=[companies.validators.validate_report_date, companies.validators.validate_not_in_future], verbose_name='date'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='source',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='source_en',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='source_ru',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='source_zh_hans',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='speaker',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='speaker_en',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='speaker_ru',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='speaker_zh_hans',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='statement',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='statement_en',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='statement_ru',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='statement_zh_hans',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='description',
                    field=models.TextField(blank=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='description_en',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='description_ru',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='description_zh_hans',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='exit_reason',
                    field=models.TextField(blank=True, validators=[companies.text.validate_lines], verbose_name='exit reason'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='exited_on',
                    field=models.DateField(blank=True, help_text='Only for companies that exited.', null=True, validators=[companies.validators.validate_residence_date, companies.validators.validate_not_in_future], verbose_name='exited on'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='legal_name',
                    field=companies.text.NameField(blank=True, max_length=300, verbose_name='legal name'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='name',
                    field=companies.text.NameField(max_length=200, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='company',
                    name='resident_since',
                    field=models.DateField(blank=True, help_text='Date of registration as a resident; empty for applicants.', null=True, validators=[companies.validators.validate_residence_date, companies.validators.validate_not_in_future], verbose_name='resident since'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='claimed_on',
                    field=models.DateField(help_text='The date the statement speaks of.', validators=[companies.validators.validate_report_date, companies.validators.validate_not_in_future], verbose_name='date'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='source',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='source_en',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='source_ru',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='source_zh_hans',
                    field=models.CharField(blank=True, help_text='The address of the publication; empty where none was found.', max_length=500, null=True, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='speaker',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='speaker_en',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='speaker_ru',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='speaker_zh_hans',
                    field=companies.text.NameField(help_text='Who made the statement, and where it was published.', max_length=200, null=True, verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='statement',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='statement_en',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='statement_ru',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='historicalclaim',
                    name='statement_zh_hans',
                    field=models.TextField(blank=True, help_text='The statement as published, if it is quoted; the figures say what it states.', null=True, validators=[companies.text.validate_lines], verbose_name='statement'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='description',
                    field=models.TextField(blank=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='description_en',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='description_ru',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='description_zh_hans',
                    field=models.TextField(blank=True, null=True, validators=[companies.text.validate_lines], verbose_name='short description'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='exit_reason',
                    field=models.TextField(blank=True, validators=[companies.text.validate_lines], verbose_name='exit reason'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='exited_on',
                    field=models.DateField(blank=True, help_text='Only for companies that exited.', null=True, validators=[companies.validators.validate_residence_date, companies.validators.validate_not_in_future], verbose_name='exited on'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='legal_name',
                    field=companies.text.NameField(blank=True, max_length=300, verbose_name='legal name'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='name',
                    field=companies.text.NameField(max_length=200, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='historicalcompany',
                    name='resident_since',
                    field=models.DateField(blank=True, help_text='Date of registration as a resident; empty for applicants.', null=True, validators=[companies.validators.validate_residence_date, companies.validators.validate_not_in_future], verbose_name='resident since'),
                ),
                migrations.AlterField(
                    model_name='historicalreport',
                    name='reported_on',
                    field=models.DateField(help_text='The date the figures are for; not in the future.', validators=[companies.validators.validate_report_date, companies.validators.validate_not_in_future], verbose_name='as of'),
                ),
                migrations.AlterField(
                    model_name='historicalreport',
                    name='source',
                    field=models.CharField(help_text='The document or URL the figures come from.', max_length=500, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalsector',
                    name='name',
                    field=companies.text.NameField(max_length=120, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='historicalsector',
                    name='name_en',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='historicalsector',
                    name='name_ru',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='historicalsector',
                    name='name_zh_hans',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='reported_on',
                    field=models.DateField(help_text='The date the figures are for; not in the future.', validators=[companies.validators.validate_report_date, companies.validators.validate_not_in_future], verbose_name='as of'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='source',
                    field=models.CharField(help_text='The document or URL the figures come from.', max_length=500, validators=[companies.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='sector',
                    name='name',
                    field=companies.text.NameField(max_length=120, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='sector',
                    name='name_en',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='sector',
                    name='name_ru',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
                migrations.AlterField(
                    model_name='sector',
                    name='name_zh_hans',
                    field=companies.text.NameField(max_length=120, null=True, verbose_name='name'),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='company',
                    name='name_key',
                    field=companies.text.NameKeyField(default='', help_text='The name normalised and case-folded: no two companies share it.', verbose_name='name as compared'),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunPython(key_column_add, key_column_remove)],
        ),
        migrations.RunPython(names_normalise, migrations.RunPython.noop, elidable=True),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name='company',
                    constraint=models.UniqueConstraint(fields=('name_key',), name='company_name_key_unique', violation_error_message='A company with this name already exists.'),
                ),
            ],
            database_operations=[migrations.RunPython(key_unique_add, key_unique_remove)],
        ),
    ]
