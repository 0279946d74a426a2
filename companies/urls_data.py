"""The register's files and catalogues: language-neutral, at stable addresses that portals
harvest (included by park/urls.py outside the language prefix; namespace "data")."""

from django.urls import path

from . import views_data

app_name = "data"

urlpatterns = [
    path("data/datapackage.json", views_data.datapackage, name="datapackage"),
    path("data/register.json", views_data.register_json, name="register-json"),
    path("data/register.xlsx", views_data.register_xlsx, name="register-xlsx"),
    path("data/<slug:name>.csv", views_data.table_csv, name="table-csv"),
    path(
        "data/excel/<slug:name>.csv",
        views_data.table_csv,
        {"bom": True},
        name="table-csv-bom",
    ),
    path("catalog.ttl", views_data.catalog, {"format": "ttl"}, name="catalog-ttl"),
    path("catalog.jsonld", views_data.catalog, {"format": "jsonld"}, name="catalog-jsonld"),
]
