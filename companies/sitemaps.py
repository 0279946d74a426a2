"""sitemap.xml: every public page in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors
from .caching import cached_per_revision
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
    # Each address is listed in three languages with four alternates: 2,000 per page keep
    # a page under a second with 100,000 companies.
    limit = 2000

    def items(self):
        # Django pairs every item with every language before paginating, so each page
        # needs the whole list: (slug, updated_at) tuples, read once per register revision.
        return cached_per_revision("sitemap-companies", _published_slugs)

    def location(self, item):
        return reverse("companies:company-detail", kwargs={"slug": item[0]})

    def lastmod(self, item):
        return item[1]


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


def _published_slugs() -> list[tuple]:
    return list(Company.objects.published().order_by("pk").values_list("slug", "updated_at"))


SITEMAPS = {
    "pages": PagesSitemap,
    "companies": CompanySitemap,
    "countries": CountrySitemap,
    "sectors": SectorSitemap,
}
