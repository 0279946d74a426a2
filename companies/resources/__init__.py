"""The register as spreadsheets (django-import-export): what an export writes and an
import reads.

A sheet has exactly the export's columns, in any order. Rows are matched to records by
natural keys (a company's slug; a report's company slug and date), and related records
are named by natural keys too (ISO country code, sector slug, company slug), never by
database ids. An import is all or nothing: one bad row refuses the whole file, and every
bad row is reported with its line in the file. Values are checked by the models' own
validation (full_clean: fields, clean() and constraints); the widgets here only read
cells strictly, so that nothing is silently coerced.

The sheets: companies.py, reports.py, claims.py; what they share: base.py (the import
machinery) and widgets.py (how cells are read).
"""

from .base import (
    CHANGE_REASON_MAX,
    ImportResult,
    Problem,
    RegisterResource,
    import_confirmed_message,
)
from .claims import ClaimResource
from .companies import CompanyResource
from .reports import ReportResource

__all__ = [
    "CHANGE_REASON_MAX",
    "ClaimResource",
    "CompanyResource",
    "ImportResult",
    "Problem",
    "RegisterResource",
    "ReportResource",
    "import_confirmed_message",
]
