"""The editors' admin site: its titles, and the Content Security Policy its pages need."""

from csp.decorators import csp_update
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Third-party admin templates (modeltranslation's tabs, history, import/export) carry
# inline style attributes; scripts stay strict.
admin_policy = csp_update({"style-src": ["'unsafe-inline'"]})


class AdminSite(admin.AdminSite):
    site_header = _("China–Belarus Industrial Park · register")
    site_title = _("Park register")
    # The index leads with what needs attention (companies/admin/attention.py).
    index_template = "admin/companies/index.html"
    # Lists use the whole width (at 1366 px the company list's figures would otherwise sit
    # behind two sidebars); the breadcrumbs and the index lead everywhere.
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        return admin_policy(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        return admin_policy(super().login)(request, extra_context)
