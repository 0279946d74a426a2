"""The directory's addresses: the editors' admin, the REST API and the public pages."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "China–Belarus Industrial Park · register"
admin.site.site_title = "Park register"

urlpatterns = [
    path("admin/", admin.site.urls),
]

# A database outage surfacing outside a view is a 503 too; other errors a friendly 500.
handler500 = "ops.views.server_error"
