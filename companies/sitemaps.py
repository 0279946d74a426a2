"""sitemap.xml: every public page in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors
from .models import Company, Sector


class _Multilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 10000


class PagesSitemap(_Multilingual):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "companies:home",
            "companies:company-list",
            "companies:country-list",
            "companies:sector-list",
            "companies:claim-list",
        ]

    def location(self, item):
        return reverse(item)


class CompanySitemap(_Multilingual):
    changefreq = "weekly"

    def items(self):
        return Company.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class CountrySitemap(_Multilingual):
    changefreq = "weekly"

    def items(self):
        return selectors.companies_countries()

    def location(self, item):
        return reverse("companies:country-detail", kwargs={"code": item})


class SectorSitemap(_Multilingual):
    changefreq = "weekly"

    def items(self):
        return Sector.objects.order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "companies": CompanySitemap,
    "countries": CountrySitemap,
    "sectors": SectorSitemap,
}
