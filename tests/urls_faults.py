"""The directory's addresses plus a few that fail on purpose, for error-handling tests."""

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.urls import path

from companies.models import Company

# Django reads the error handlers from the root URLconf: the directory's own.
from park.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("secret detail that must not reach the client")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def company_count(request):
    return HttpResponse(f"{Company.objects.count()} companies")


def api_company_count(request):
    return JsonResponse({"count": Company.objects.count()})


urlpatterns = [
    *urlpatterns,
    path("boom/", boom),
    path("api/boom/", boom),
    path("database-gone/", database_gone),
    path("api/database-gone/", database_gone),
    path("count/", company_count),
    path("api/count/", api_company_count),
]
