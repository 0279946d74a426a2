"""The directory's addresses: the editors' admin, the REST API and the public pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = "China–Belarus Industrial Park · register"
admin.site.site_title = "Park register"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("companies.api.urls")),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="api-docs"),
    path("api/docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="api-redoc"),
]
