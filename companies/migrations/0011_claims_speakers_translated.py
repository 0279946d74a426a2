"""Claims gain a speaker, a reference flag and a date-and-speaker key; their statements,
speakers and sources are translated."""

from django.db import migrations, models


def copy_into_english(apps, schema_editor):
    """The texts written before translation become the English ones; a claim's speaker,
    which its source used to name, starts as that source."""
    Claim = apps.get_model("companies", "Claim")
    Claim.objects.update(statement_en=models.F("statement"), source_en=models.F("source"))
    for claim in Claim.objects.filter(speaker=""):
        claim.speaker = claim.speaker_en = claim.source[:200] or "-"
        claim.save(update_fields=["speaker", "speaker_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0010_sector_claim_versions_import_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="is_reference",
            field=models.BooleanField(
                default=False,
                help_text="One of the mutually consistent statements, mostly from the park's administration, that trace the park's published trajectory.",
                verbose_name="reference",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="source_en",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="source_ru",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="source_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="speaker",
            field=models.CharField(
                default="",
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                verbose_name="speaker",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claim",
            name="speaker_en",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="speaker_ru",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="speaker_zh_hans",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="statement_en",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="statement_ru",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="statement_zh_hans",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="is_reference",
            field=models.BooleanField(
                default=False,
                help_text="One of the mutually consistent statements, mostly from the park's administration, that trace the park's published trajectory.",
                verbose_name="reference",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="source_en",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="source_ru",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="source_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                null=True,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="speaker",
            field=models.CharField(
                default="",
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                verbose_name="speaker",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="speaker_en",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="speaker_ru",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="speaker_zh_hans",
            field=models.CharField(
                help_text="Who made the statement, and where it was published.",
                max_length=200,
                null=True,
                verbose_name="speaker",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="statement_en",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="statement_ru",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="statement_zh_hans",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                null=True,
                verbose_name="statement",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="date_is_approximate",
            field=models.BooleanField(
                default=False,
                help_text="The source gives only a month, a season or “the end of the year”.",
                verbose_name="approximate date",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                verbose_name="source",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="statement",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                verbose_name="statement",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="date_is_approximate",
            field=models.BooleanField(
                default=False,
                help_text="The source gives only a month, a season or “the end of the year”.",
                verbose_name="approximate date",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="The address of the publication; empty where none was found.",
                max_length=500,
                verbose_name="source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="statement",
            field=models.TextField(
                blank=True,
                help_text="The statement as published, if it is quoted; the figures say what it states.",
                verbose_name="statement",
            ),
        ),
        migrations.RunPython(copy_into_english, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("companies__isnull", False),
                    ("countries__isnull", False),
                    ("declared_investment__isnull", False),
                    ("direct_jobs__isnull", False),
                    _connector="OR",
                ),
                name="claim_states_a_figure",
                violation_error_message="A claim needs at least one stated figure.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("claimed_on", "speaker"),
                name="claim_one_per_speaker_per_date",
                violation_error_message="This speaker already has a claim for this date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("claimed_on", "speaker_en"),
                name="claim_one_per_speaker_per_date-en",
                violation_error_message="This speaker already has a claim for this date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("claimed_on", "speaker_ru"),
                name="claim_one_per_speaker_per_date-ru",
                violation_error_message="This speaker already has a claim for this date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("claimed_on", "speaker_zh_hans"),
                name="claim_one_per_speaker_per_date-zh-hans",
                violation_error_message="This speaker already has a claim for this date.",
            ),
        ),
    ]
