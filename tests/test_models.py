"""Integrity rules of the register, enforced by the database and reported by forms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies.models import Company, Report
from tests.factories import CompanyFactory, ReportFactory

pytestmark = pytest.mark.django_db


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def messages_of(error: ValidationError) -> list[str]:
    return [m for messages in error.message_dict.values() for m in messages]


def test_company_names_are_unique_regardless_of_case():
    CompanyFactory(name="Huaxin Telecom")
    refused_by_database(lambda: CompanyFactory(name="HUAXIN telecom"))
    with pytest.raises(ValidationError) as error:
        CompanyFactory.build(name="huaxin TELECOM", slug="other").full_clean()
    assert "A company with this name already exists." in messages_of(error.value)


def test_exit_date_is_refused_for_a_company_that_has_not_exited():
    refused_by_database(lambda: CompanyFactory(exited_on=date(2020, 1, 1)))
    with pytest.raises(ValidationError) as error:
        CompanyFactory.build(exited_on=date(2020, 1, 1), slug="x").full_clean()
    assert (
        "An exit date is required for exited companies and allowed for no other."
        in messages_of(error.value)
    )


def test_exited_company_needs_an_exit_date_and_a_reason():
    refused_by_database(lambda: CompanyFactory(status=Company.Status.EXITED, exit_reason="Gone"))
    refused_by_database(lambda: CompanyFactory(exited=True, exit_reason=""))
    with pytest.raises(ValidationError) as error:
        CompanyFactory.build(exited=True, exit_reason=" ", slug="x").full_clean()
    assert error.value.message_dict["exit_reason_en"] == ["Record why the company exited."]


def test_exit_before_residence_is_refused():
    def make():
        CompanyFactory(exited=True, resident_since=date(2020, 1, 1), exited_on=date(2019, 1, 1))

    refused_by_database(make)
    company = CompanyFactory.build(
        exited=True, resident_since=date(2020, 1, 1), exited_on=date(2019, 12, 31), slug="x"
    )
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "The exit date cannot be before the residence date." in messages_of(error.value)


def test_residents_need_a_residence_date_and_applicants_have_none():
    refused_by_database(lambda: CompanyFactory(resident_since=None))
    refused_by_database(lambda: CompanyFactory(applicant=True, resident_since=date(2020, 1, 1)))
    CompanyFactory(applicant=True)


def test_future_dates_are_refused_by_forms():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        CompanyFactory.build(resident_since=tomorrow, slug="x").full_clean()
    assert error.value.message_dict["resident_since"] == ["The date cannot be in the future."]


def test_negative_figures_are_refused():
    company = CompanyFactory()
    refused_by_database(lambda: ReportFactory(company=company, direct_jobs=-1))
    refused_by_database(
        lambda: ReportFactory(company=company, declared_investment=Decimal("-0.01"))
    )
    with pytest.raises(ValidationError) as error:
        ReportFactory.build(company=company, realised_investment=Decimal(-5)).full_clean()
    assert error.value.message_dict["realised_investment"] == [
        "Ensure this value is greater than or equal to 0."
    ]


def test_one_report_per_company_per_date():
    report = ReportFactory()
    refused_by_database(lambda: ReportFactory(company=report.company))
    with pytest.raises(ValidationError) as error:
        ReportFactory.build(company=report.company).full_clean()
    assert "This company already has a report for this date." in messages_of(error.value)
    ReportFactory(company=report.company, reported_on=date(2020, 12, 31))
    assert report.company.reports.count() == 2


def test_a_report_needs_at_least_one_figure():
    def make():
        ReportFactory(declared_investment=None, realised_investment=None, direct_jobs=None)

    refused_by_database(make)


def test_amounts_are_exact_decimals():
    report = ReportFactory(declared_investment=Decimal("1234567.89"))
    report.refresh_from_db()
    assert report.declared_investment == Decimal("1234567.89")


def test_slug_is_made_from_the_name_and_kept_unique():
    first = CompanyFactory(name="Neman Logistics", slug="")
    second = CompanyFactory(name="Neman  Logistics!", slug="")
    assert (first.slug, second.slug) == ("neman-logistics", "neman-logistics-2")


def test_every_save_raises_the_version():
    company = CompanyFactory()
    version = company.version
    company.legal_name = "Renamed LLC"
    company.save()
    assert company.version == version + 1
    assert Report.objects.count() == 0
