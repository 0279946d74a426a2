"""Writes through the services: validated, locked, and refused when stale."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from companies import selectors, services
from companies.models import Company, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_company_create_validates_and_names_the_bad_field():
    with pytest.raises(ValidationError) as error:
        services.company_create(
            fields={"name": "X", "country": "ZZ", "sector": SectorFactory(), "status": "applicant"}
        )
    assert list(error.value.message_dict) == ["country"]
    assert not Company.objects.exists()


def test_update_based_on_the_current_version_succeeds_and_raises_it():
    company = CompanyFactory()
    updated = services.company_update(
        company=company, fields={"legal_name": "New LLC"}, expected_version=company.version
    )
    assert (updated.legal_name, updated.version) == ("New LLC", company.version + 1)


def test_stale_update_is_refused_and_says_what_changed():
    company = CompanyFactory(legal_name="Old LLC")
    seen = company.version
    services.company_update(company=company, fields={"legal_name": "Meanwhile LLC"})
    with pytest.raises(services.StaleWrite) as stale:
        services.company_update(company=company, fields={"website": ""}, expected_version=seen)
    assert stale.value.changed_fields == ["legal_name"]
    assert "legal name" in str(stale.value)
    assert Company.objects.get().legal_name == "Meanwhile LLC"


def test_a_new_report_makes_an_earlier_company_version_stale():
    company = CompanyFactory()
    seen = company.version
    services.report_create(
        company=company,
        fields={"reported_on": date(2020, 1, 1), "direct_jobs": 7, "source": "Letter"},
    )
    with pytest.raises(services.StaleWrite) as stale:
        services.company_delete(company=company, expected_version=seen)
    assert stale.value.changed_fields == [
        "direct_jobs",
        "direct_jobs_reported_on",
        "direct_jobs_source",
    ]
    assert Company.objects.exists()


def test_report_writes_keep_the_company_figures_right():
    company = CompanyFactory()
    report = services.report_create(
        company=company,
        fields={
            "reported_on": date(2020, 12, 31),
            "declared_investment": Decimal("5000000"),
            "source": "Annual report",
        },
    )
    services.report_update(
        report=report, fields={"declared_investment": Decimal("6000000")}, expected_version=1
    )
    assert Company.objects.get().declared_investment == Decimal("6000000")
    services.report_delete(report=report)
    assert Company.objects.get().declared_investment is None
    assert not Report.objects.exists()


def test_every_change_raises_the_register_revision():
    before = selectors.register_revision().number
    report = ReportFactory()
    assert selectors.register_revision().number > before
    before = selectors.register_revision().number
    services.report_delete(report=report)
    assert selectors.register_revision().number > before
