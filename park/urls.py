"""The directory's addresses: the editors' admin, the REST API and the public pages."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from companies import views as pages
from companies.sitemaps import SITEMAPS
from park.admin import admin_policy

urlpatterns = [
    path("admin/", admin.site.urls),
    # The public pages: "/" and unprefixed addresses redirect to the visitor's language.
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/v1/", include("companies.api.urls")),
    path("", include("companies.urls_data")),
    # Swagger UI as a page and a script (?script=), so that no inline script runs; its
    # page carries inline styles, as the admin's do.
    path(
        "api/docs/",
        admin_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="api-docs",
    ),
]

urlpatterns += i18n_patterns(path("", include("companies.urls")))
# Friendly pages in the visitor's language, JSON under /api/; a database outage
# surfacing outside a view is a 503 too.
handler400 = "ops.views.bad_request"
handler403 = "ops.views.permission_denied"
handler404 = "ops.views.page_not_found"
handler500 = "ops.views.server_error"
