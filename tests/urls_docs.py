"""The directory's addresses, plus the API docs as the security settings expect them
where the API does not provide its own yet: Swagger UI split into a page and a script
(no inline script), from drf-spectacular-sidecar's static files."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from park.urls import urlpatterns as directory

urlpatterns = [
    *directory,
    # Shadowed by the API's own addresses where it has them (the first match wins).
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]
