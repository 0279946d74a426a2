"""Each rule has one home, and the surfaces that apply it agree: who sees drafts, how a
day is read, how companies sort, what a blank value means."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from companies import services
from companies.models import Company, drafts_visible
from tests.factories import UserFactory

LIST = "/api/v1/companies/"
PAGE = "/en/companies/"


def _user(kind: str):
    if kind == "anonymous":
        return None
    user = UserFactory(username=kind, is_staff=True, is_active=kind != "inactive_editor")
    if kind.endswith("editor"):
        user.user_permissions.add(Permission.objects.get(codename="view_company"))
    return user


@pytest.mark.parametrize("kind", ["anonymous", "staff_without_permission", "editor",
                                  "inactive_editor"])  # fmt: skip
def test_who_sees_drafts_is_the_same_in_the_list_the_figures_and_the_removals(
    residents_and_a_draft, kind
):
    user = _user(kind)
    sees = drafts_visible(user)
    assert sees is (kind == "editor")
    api = APIClient()
    api.force_authenticate(user)
    listed = {row["slug"] for row in api.get(LIST, {"page_size": 50}).json()["results"]}
    counted = api.get("/api/v1/stats/").json()["companies"]
    services.company_delete(company=residents_and_a_draft.draft)
    removed = {row["slug"] for row in api.get("/api/v1/removals/").json()["results"]}

    published = Company.objects.published().filter(status=Company.Status.RESIDENT).count()
    assert ("secret-draft" in listed) is sees
    assert counted == published + (1 if sees else 0)
    assert ("secret-draft" in removed) is sees


def _park_stats(day: str) -> tuple[dict | None, str]:
    """The command's JSON, or None and its refusal."""
    out = io.StringIO()
    try:
        call_command("park_stats", "--json", "--as-of", day, stdout=out)
    except CommandError as error:
        return None, str(error)
    return json.loads(out.getvalue()), ""


@pytest.mark.parametrize(
    "day",
    ["2021-06-30", "20210630", "2021-6-30", "2021-02-30", "２０２１-06-30", "2009-12-31",
     "future"],
)  # fmt: skip
def test_park_stats_and_the_api_read_a_day_alike(api, db, day):
    if day == "future":
        day = (timezone.localdate() + timedelta(days=1)).isoformat()
    printed, refusal = _park_stats(day)
    response = api.get("/api/v1/stats/", {"as_of": day})
    assert (printed is not None) is (response.status_code == 200), refusal
    if printed is not None:
        assert printed["as_of"] == response.json()["as_of"] == day
    else:
        reason = response.json()["as_of"][0].replace("as_of", "--as-of")
        assert refusal == f"Error: argument --as-of: {reason}"


@pytest.mark.parametrize(
    "ordering", ["-direct_jobs", "direct_jobs", "realised_investment", "-resident_since"]
)
def test_the_page_and_both_kinds_of_api_paging_sort_alike(
    api, client, residents_and_a_draft, ordering
):
    """Missing figures last in either direction, ties by primary key in its direction."""
    query = {"ordering": ordering}
    by_cursor, response = [], api.get(LIST, {**query, "page_size": 1}).json()
    while True:
        by_cursor += [row["name"] for row in response["results"]]
        if response["next"] is None:
            break
        response = api.get(response["next"]).json()
    by_number = [row["name"] for row in api.get(LIST, {**query, "page": 1}).json()["results"]]
    on_page = [row["name"] for row in client.get(PAGE, query).context["rows"]]
    assert by_cursor == by_number == on_page
    assert len(on_page) == 4


def test_a_value_of_spaces_is_blank_on_both_surfaces(api, client, residents_and_a_draft):
    everyone = sorted(row["name"] for row in api.get(LIST).json()["results"])
    spaces = {"country": "   ", "q": " "}
    assert sorted(row["name"] for row in api.get(LIST, spaces).json()["results"]) == everyone
    assert sorted(row["name"] for row in client.get(PAGE, spaces).context["rows"]) == everyone
