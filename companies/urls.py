"""The public pages, served under a language prefix (/en/, /ru/, /zh-hans/) by park/urls.py."""

from django.urls import path, re_path

from . import views, views_data
from .feeds import NewResidentsFeed

app_name = "companies"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<slug:slug>/", views.company_detail, name="company-detail"),
    path("countries/", views.country_list, name="country-list"),
    re_path(r"^countries/(?P<code>[A-Z]{2})/$", views.country_detail, name="country-detail"),
    path("sectors/", views.sector_list, name="sector-list"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector-detail"),
    path("claims/", views.claim_list, name="claim-list"),
    path("feed/", NewResidentsFeed(), name="feed"),
    path("about/", views_data.about, name="about"),
    path("downloads/", views_data.downloads_page, name="downloads"),
]
