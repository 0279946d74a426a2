"""Addresses of API v1, included at /api/v1/ (app namespace "api")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("companies", views.CompanyViewSet, basename="company")
router.register(
    r"companies/(?P<company_slug>[^/]+)/reports", views.ReportViewSet, basename="report"
)

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    # Before the router's routes, whose slug pattern would take these addresses.
    path(
        "companies/export.csv",
        views.CompanyViewSet.as_view({"get": "export_csv"}),
        name="company-export-csv",
    ),
    path(
        "companies/export.ndjson",
        views.CompanyViewSet.as_view({"get": "export_ndjson"}),
        name="company-export-ndjson",
    ),
    path("removals/", views.RemovalsViewSet.as_view({"get": "list"}), name="companies-removed"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/years/", views.YearsView.as_view(), name="stats-years"),
    path("countries/", views.CountriesView.as_view(), name="countries"),
    path("sectors/", views.SectorsView.as_view(), name="sectors"),
    path("claims/", views.ClaimsView.as_view(), name="claims"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    *router.urls,
]
