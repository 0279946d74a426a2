"""Export the published companies, every column, into a SQLite file for Datasette.

Run inside the directory's Django: `python -m bench.export PATH` (DATABASE_URL says
which register). The file holds two tables, `sectors` and `companies` (the foreign key
declared, so Datasette knows it), and the plain-column indexes the Company model
declares, so that Datasette gets the same help from indexes as PostgreSQL does.
"""

import sqlite3
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.db import models


def export_companies(*, path: Path, chunk_size: int = 5000) -> int:
    """Write the SQLite file at `path` (replacing it); returns the companies written."""
    from companies.models import Company, Sector

    path.unlink(missing_ok=True)
    database = sqlite3.connect(path)
    try:
        # Raw columns: modeltranslation would otherwise rewrite `description` and `name`.
        _copy_table(database, "sectors", Sector.objects.rewrite(False).all(), chunk_size)
        written = _copy_table(
            database, "companies", Company.objects.rewrite(False).published(), chunk_size
        )
        for index in Company._meta.indexes:
            if index.fields:
                columns = ", ".join(
                    _quote(Company._meta.get_field(name).column) for name in index.fields
                )
                database.execute(f"CREATE INDEX {_quote(index.name)} ON companies ({columns})")
        database.execute("ANALYZE")
        database.commit()
        database.execute("VACUUM")
    finally:
        database.close()
    return written


def _copy_table(database, table: str, queryset, chunk_size: int) -> int:
    fields = queryset.model._meta.concrete_fields
    database.execute(
        f"CREATE TABLE {_quote(table)} ({', '.join(_column(field) for field in fields)})"
    )
    insert = f"INSERT INTO {_quote(table)} VALUES ({', '.join('?' for _ in fields)})"
    rows = queryset.order_by("pk").values_list(*(f.attname for f in fields))
    batch, written = [], 0
    for row in rows.iterator(chunk_size=chunk_size):
        batch.append([_sqlite_value(value) for value in row])
        if len(batch) == chunk_size:
            database.executemany(insert, batch)
            written, batch = written + len(batch), []
    database.executemany(insert, batch)
    return written + len(batch)


def _column(field: models.Field) -> str:
    name = _quote(field.column)
    if field.primary_key:
        return f"{name} INTEGER PRIMARY KEY"
    if isinstance(field, models.ForeignKey):
        # The only foreign key exported is the company's sector.
        return f"{name} INTEGER REFERENCES sectors(id)"
    if isinstance(field, models.BooleanField | models.IntegerField):
        return f"{name} INTEGER"
    if isinstance(field, models.DecimalField):
        return f"{name} NUMERIC"
    return f"{name} TEXT"


def _sqlite_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main(argv: list[str]) -> int:
    import django

    django.setup()
    written = export_companies(path=Path(argv[0]))
    print(f"Exported {written} published companies to {argv[0]}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
