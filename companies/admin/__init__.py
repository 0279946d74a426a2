"""The editors' admin: the register as park staff keep it current.

One module per model (company, report, sector, claim), and what they share: change
forms that refuse to save over a change made since they were opened (versioning),
history as readable diffs with safe restores (history), and spreadsheet import and
export (importexport, reading files through companies/imports.py and resources.py).
"""

from django.contrib import admin

from . import claim, company, importrecord, report, sector  # noqa: F401  (each registers its admin)

# The index leads with what needs attention (attention.py).
admin.site.index_template = "admin/companies/index.html"
# Lists use the whole width (at 1366 px the company list's figures would otherwise sit
# behind two sidebars); the breadcrumbs and the index lead everywhere.
admin.site.enable_nav_sidebar = False
