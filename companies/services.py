"""Writes that must keep the register consistent.

Every surface (admin, API, import, commands) changes data through these functions or
through model saves whose signals call them (see signals.py), so the derived figures
on Company and the register revision are right whichever way a change arrives.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import selectors
from .models import Company, RegisterRevision

EDITORS_GROUP = "Editors"
# What editors manage: the register itself, never users or groups.
EDITOR_MODELS = ("company", "report", "sector", "claim")


def company_refresh_figures(*, company_id: int) -> bool:
    """Copy a company's current figures (as of today) from its reports onto the company.

    Returns whether they changed; an unchanged company keeps its version."""
    figures = selectors.company_figures_as_of(company_id=company_id, day=timezone.localdate())
    unchanged = Q(**figures)
    changed = (
        Company.objects.filter(pk=company_id)
        .exclude(unchanged)
        .update(**figures, version=F("version") + 1, updated_at=timezone.now())
    )
    return bool(changed)


def companies_refresh_figures(*, companies: QuerySet | None = None) -> int:
    """Recompute the current figures of many companies (default: all) in one UPDATE.

    For bulk loads, which bypass the per-report signals; returns the rows updated."""
    today = timezone.localdate()
    companies = Company.objects.all() if companies is None else companies
    updated = companies.update(
        **{
            figure: selectors.figure_as_of(figure=figure, day=today)
            for figure in selectors.FIGURES
        }
    )
    register_touch()
    return updated


def register_touch() -> None:
    """Raise the register revision, which invalidates cached figures and ETags."""
    now = timezone.now()
    if not RegisterRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        RegisterRevision.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


@transaction.atomic
def companies_set_published(*, companies: QuerySet, published: bool) -> int:
    """Publish or unpublish companies one by one, so that each change enters the history.

    Returns how many companies changed."""
    changed = 0
    for company in companies.select_for_update().exclude(is_published=published):
        company.is_published = published
        company.save(update_fields=["is_published", "version", "updated_at"])
        changed += 1
    return changed


def editors_group_sync() -> Group:
    """Create or update the Editors group with exactly the permissions editors need."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="companies", content_type__model__in=EDITOR_MODELS
    )
    group.permissions.set(permissions)
    return group


def editors_group_sync_on_migrate(**kwargs) -> None:
    """post_migrate hook: permissions exist only once migrations have run."""
    editors_group_sync()
