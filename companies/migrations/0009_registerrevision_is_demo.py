from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="registerrevision",
            name="is_demo",
            field=models.BooleanField(
                default=False,
                help_text="Set by load_demo: every page then says that the companies are synthetic.",
                verbose_name="demo register",
            ),
        ),
    ]
