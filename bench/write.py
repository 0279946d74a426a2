"""One write to the register, as an editor would make it, for `make bench`.

Run as `python -m bench.write SLUG` (DATABASE_URL says which register): adds the bench's
report, dated years back, to the company at SLUG, or deletes it when it is there, through
the services (so the figures, the ledger and the register revision follow). Alternating,
repeated runs leave the register as it was or one report larger, never growing.
"""

import sys
from datetime import date
from decimal import Decimal

SOURCE = "make bench: a write between first requests"
REPORTED_ON = date(2019, 3, 4)


def toggle(slug: str) -> str:
    """Add or delete the bench's report of the company at `slug`; says which."""
    from companies import services
    from companies.models import Company, Report

    company = Company.objects.get(slug=slug)
    report = Report.objects.filter(company=company, source=SOURCE).first()
    if report is not None:
        services.report_delete(report=report)
        return "deleted"
    fields = {"reported_on": REPORTED_ON, "direct_jobs": 7, "source": SOURCE,
              "declared_investment": Decimal("1000000")}  # fmt: skip
    if Report.objects.filter(company=company, reported_on=REPORTED_ON).exists():
        fields["reported_on"] = date(2019, 3, 5)
    services.report_create(company=company, fields=fields)
    return "added"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    print(toggle(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
