"""The editors' admin: the register as park staff keep it current.

One module per model (company, report, sector, claim), and what they share: saves and
deletes through the services (writes), change forms that refuse to save over a change
made since they were opened (versioning), history as readable diffs with safe restores
(history), and spreadsheet import and export (importexport, reading files through
companies/imports.py and the resources/ package). The site itself is park/admin.py.
"""

from . import claim, company, importrecord, report, sector  # noqa: F401  (each registers its admin)
