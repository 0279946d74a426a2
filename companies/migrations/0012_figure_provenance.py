"""Where each current figure comes from (its report's date and source), filled from the
reports; the change feed's record of removals.

The provenance constraints are created in the database on PostgreSQL only: on SQLite,
adding a constraint rebuilds the table with every index of the model, and the trigram
indexes (0003) exist on PostgreSQL only. The models validate them everywhere."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FIGURES = ("declared_investment", "realised_investment", "direct_jobs")


def fill_figures_with_provenance(apps, schema_editor):
    # As services.companies_refresh_figures does, with the models of this migration.
    company, report = apps.get_model("companies", "Company"), apps.get_model("companies", "Report")
    today = django.utils.timezone.localdate()

    def latest(figure, column):
        reports = report.objects.filter(
            company=OuterRef("pk"), reported_on__lte=today, **{f"{figure}__isnull": False}
        )
        return Subquery(reports.order_by("-reported_on").values(column)[:1])

    company.objects.update(
        **{
            f"{figure}{suffix}": latest(figure, column)
            for figure in FIGURES
            for suffix, column in (("", figure), ("_reported_on", "reported_on"), ("_source", "source"))
        }
    )


def _on_postgresql(operation):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            operation(apps, schema_editor)

    return run


CONSTRAINTS = [
        migrations.AddConstraint(
            model_name='company',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('declared_investment__isnull', True), ('declared_investment_reported_on__isnull', True), ('declared_investment_source__isnull', True)), models.Q(('declared_investment__isnull', False), ('declared_investment_reported_on__isnull', False), ('declared_investment_source__isnull', False)), _connector='OR'), name='company_declared_provenance', violation_error_message='A current figure has the date and source of its report.'),
        ),
        migrations.AddConstraint(
            model_name='company',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('realised_investment__isnull', True), ('realised_investment_reported_on__isnull', True), ('realised_investment_source__isnull', True)), models.Q(('realised_investment__isnull', False), ('realised_investment_reported_on__isnull', False), ('realised_investment_source__isnull', False)), _connector='OR'), name='company_realised_provenance', violation_error_message='A current figure has the date and source of its report.'),
        ),
        migrations.AddConstraint(
            model_name='company',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('direct_jobs__isnull', True), ('direct_jobs_reported_on__isnull', True), ('direct_jobs_source__isnull', True)), models.Q(('direct_jobs__isnull', False), ('direct_jobs_reported_on__isnull', False), ('direct_jobs_source__isnull', False)), _connector='OR'), name='company_jobs_provenance', violation_error_message='A current figure has the date and source of its report.'),
        ),
]


def _constraints(apps, schema_editor, change):
    company = apps.get_model("companies", "Company")
    for operation in CONSTRAINTS:
        getattr(schema_editor, f"{change}_constraint")(company, operation.constraint)


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0011_claims_speakers_translated'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyRemoval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(db_index=False, max_length=220, verbose_name='slug')),
                ('removed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='removed at')),
                ('reason', models.CharField(choices=[('deleted', 'deleted'), ('unpublished', 'unpublished'), ('renamed', 'given another slug')], max_length=12, verbose_name='reason')),
                ('public', models.BooleanField(help_text='The company was published until then.', verbose_name='left the public register')),
            ],
            options={
                'verbose_name': 'company removal',
                'verbose_name_plural': 'company removals',
                'ordering': ['removed_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='company',
            name='declared_investment_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='declared investment reported on'),
        ),
        migrations.AddField(
            model_name='company',
            name='declared_investment_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='declared investment source'),
        ),
        migrations.AddField(
            model_name='company',
            name='direct_jobs_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='direct jobs reported on'),
        ),
        migrations.AddField(
            model_name='company',
            name='direct_jobs_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='direct jobs source'),
        ),
        migrations.AddField(
            model_name='company',
            name='realised_investment_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='realised investment reported on'),
        ),
        migrations.AddField(
            model_name='company',
            name='realised_investment_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='realised investment source'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='declared_investment_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='declared investment reported on'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='declared_investment_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='declared investment source'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='direct_jobs_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='direct jobs reported on'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='direct_jobs_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='direct jobs source'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='realised_investment_reported_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='realised investment reported on'),
        ),
        migrations.AddField(
            model_name='historicalcompany',
            name='realised_investment_source',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, verbose_name='realised investment source'),
        ),
        migrations.RunPython(fill_figures_with_provenance, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=CONSTRAINTS,
            database_operations=[
                migrations.RunPython(
                    _on_postgresql(lambda apps, editor: _constraints(apps, editor, "add")),
                    _on_postgresql(lambda apps, editor: _constraints(apps, editor, "remove")),
                )
            ],
        ),
        migrations.AddIndex(
            model_name='companyremoval',
            index=models.Index(fields=['removed_at', 'id'], name='removal_time_idx'),
        ),
    ]
