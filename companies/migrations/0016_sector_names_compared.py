"""Sector names compared as people read them, as company names are (0014): each sector's
English name keyed (name_key) and the key made unique."""

import companies.text
from django.db import migrations, models

from companies.text import name_key


def keys_fill(apps, schema_editor):
    """Key every sector's English name; refuse names that read the same."""
    Sector = apps.get_model("companies", "Sector")
    sectors = list(Sector.objects.order_by("pk"))
    names_by_key = {}
    for sector in sectors:
        sector.name_key = name_key(sector.name_en or "")
        names_by_key.setdefault(sector.name_key, []).append(sector.name_en)
    Sector.objects.bulk_update(sectors, ["name_key"], batch_size=1000)
    clashes = [names for names in names_by_key.values() if len(names) > 1]
    if clashes:
        raise RuntimeError(
            "These sectors have names that read the same; rename all but one of each "
            "group, then migrate again:\n"
            + "\n".join(" / ".join(map(repr, names)) for names in clashes[:20])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0015_search_text_trigram_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='sector',
            name='name_key',
            field=companies.text.NameKeyField(default='', help_text='The English name normalised and case-folded: no two sectors share it.', of='name_en', verbose_name='name as compared'),
            preserve_default=False,
        ),
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.UniqueConstraint(fields=('name_key',), name='sector_name_key_unique', violation_error_message='A sector with this name already exists.'),
        ),
    ]
