"""Exit reasons and report sources are translated, and a company's copy of each current
figure's source holds the translations too."""

import companies.text
from django.db import migrations, models


def copy_into_english(apps, schema_editor):
    """The texts written before translation become the English ones, in the history too."""
    for model, field in (
        ("Company", "exit_reason"),
        ("HistoricalCompany", "exit_reason"),
        ("Report", "source"),
        ("HistoricalReport", "source"),
    ):
        apps.get_model("companies", model).objects.update(**{f"{field}_en": models.F(field)})


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0016_sector_names_compared"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="declared_investment_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="declared investment source",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="declared_investment_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="declared investment source",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="direct_jobs_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="direct jobs source",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="direct_jobs_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="direct jobs source",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="exit_reason_en",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="exit_reason_ru",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="exit_reason_zh_hans",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="realised_investment_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="realised investment source",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="realised_investment_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="realised investment source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="declared_investment_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="declared investment source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="declared_investment_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="declared investment source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="direct_jobs_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="direct jobs source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="direct_jobs_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="direct jobs source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="exit_reason_en",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="exit_reason_ru",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="exit_reason_zh_hans",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[companies.text.validate_lines],
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="realised_investment_source_ru",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="realised investment source",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="realised_investment_source_zh_hans",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=500,
                null=True,
                verbose_name="realised investment source",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="source_en",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="source_ru",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="source_zh_hans",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="source_en",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="source_ru",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="source_zh_hans",
            field=models.CharField(
                help_text="The document or URL the figures come from.",
                max_length=500,
                null=True,
                validators=[companies.text.validate_line],
                verbose_name="source",
            ),
        ),
        migrations.RunPython(copy_into_english, migrations.RunPython.noop),
    ]
