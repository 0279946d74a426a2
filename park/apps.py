from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the park's site (park.admin.AdminSite) as `admin.site`."""

    default_site = "park.admin.AdminSite"
