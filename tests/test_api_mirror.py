"""The change feed: a client that mirrors the public register by polling, through the
HTTP API only, ends equal to it after any sequence of changes."""

import random
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest

from companies.models import Company, Report
from tests.factories import CompanyFactory, SectorFactory

pytestmark = pytest.mark.django_db

V1 = "/api/v1/"
LIST = f"{V1}companies/"


class Mirror:
    """What README's "How to mirror the register" describes: a full copy first, then at
    each poll the removals and the companies updated since the previous poll began (the
    register's Last-Modified then), removals first."""

    def __init__(self, client):
        self.client = client
        self.companies: dict[str, dict] = {}
        self.since: str | None = None
        self.polls = self.removed = self.updated = 0

    def _walk(self, url, params):
        response = self.client.get(url, params)
        while True:
            assert response.status_code == 200, response.content
            body = response.json()
            yield from body["results"]
            if body["next"] is None:
                return
            response = self.client.get(body["next"])

    def poll(self):
        started = self.client.get(f"{V1}removals/", {"page_size": 1})["Last-Modified"]
        params = {"page_size": 7}
        if self.since is not None:
            for removal in self._walk(f"{V1}removals/", {**params, "since": self.since}):
                self.removed += self.companies.pop(removal["slug"], None) is not None
            params["updated_since"] = self.since
        for company in self._walk(LIST, params):
            self.companies[company["slug"]] = company
            self.updated += 1
        self.since = parsedate_to_datetime(started).isoformat()
        self.polls += 1


def public_register(client) -> dict[str, dict]:
    return {company["slug"]: company for company in Mirror(client)._walk(LIST, {"page_size": 9})}


class Editor:
    """Random changes through the API with an editor's token."""

    def __init__(self, client, rng: random.Random):
        self.client, self.rng = client, rng
        self.sectors = [SectorFactory(slug=slug).slug for slug in ("logistics", "electronics")]
        self.made = 0

    def _company(self):
        slugs = list(Company.objects.values_list("slug", flat=True))
        return self.rng.choice(slugs) if slugs else None

    def _ok(self, response):
        assert response.status_code in (200, 201, 204), response.content

    def create(self):
        self.made += 1
        self._ok(
            self.client.post(
                LIST,
                {
                    "name": f"Company {self.made}",
                    "country": self.rng.choice(["CN", "BY", "DE"]),
                    "sector": self.rng.choice(self.sectors),
                    "status": "resident",
                    "resident_since": str(date(2015, 1, 1) + timedelta(self.rng.randrange(3000))),
                    "is_published": self.rng.random() < 0.8,
                },
                format="json",
            )
        )

    def edit(self, slug):
        fields = self.rng.choice(
            [
                {"legal_name": f"Legal {self.rng.randrange(1000)}"},
                {"slug": f"renamed-{self.rng.randrange(10**6)}"},
                {"country": self.rng.choice(["CN", "BY", "KZ"])},
            ]
        )
        self._ok(self.client.patch(f"{LIST}{slug}/", fields, format="json"))

    def publish(self, slug):
        published = not Company.objects.get(slug=slug).is_published
        self._ok(self.client.patch(f"{LIST}{slug}/", {"is_published": published}, format="json"))

    def delete(self, slug):
        self._ok(self.client.delete(f"{LIST}{slug}/"))

    def report(self, slug):
        reports = list(Report.objects.filter(company__slug=slug).values_list("pk", flat=True))
        url = f"{LIST}{slug}/reports/"
        if reports and self.rng.random() < 0.3:
            self._ok(self.client.delete(f"{url}{self.rng.choice(reports)}/"))
        elif reports and self.rng.random() < 0.5:
            jobs = {"direct_jobs": self.rng.randrange(500), "source": "Corrected"}
            self._ok(self.client.patch(f"{url}{self.rng.choice(reports)}/", jobs, format="json"))
        else:
            day = date(2016, 1, 1) + timedelta(self.rng.randrange(3000))
            if Report.objects.filter(company__slug=slug, reported_on=day).exists():
                return
            figures = {
                "reported_on": str(day),
                "direct_jobs": self.rng.choice([None, self.rng.randrange(500)]),
                "declared_investment": str(self.rng.randrange(1, 10**6) * 100),
                "source": f"Report {day}",
            }
            self._ok(self.client.post(url, figures, format="json"))

    def change(self):
        slug = self._company()
        if slug is None or self.rng.random() < 0.2:
            return self.create()
        action = self.rng.choices(
            [self.edit, self.publish, self.delete, self.report], weights=[3, 3, 1, 5]
        )[0]
        action(slug)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_polling_mirror_ends_equal_to_the_public_register(api, editor_api, seed):
    rng = random.Random(seed)
    for _ in range(3):
        CompanyFactory(sector=SectorFactory(slug="logistics"))
    editor = Editor(editor_api, rng)
    mirror = Mirror(api)
    mirror.poll()
    for _ in range(60):
        editor.change()
        if rng.random() < 0.25:
            mirror.poll()
    mirror.poll()

    assert mirror.companies == public_register(api)
    assert mirror.polls > 5 and mirror.removed > 0 and mirror.updated > 10


def test_removals_name_what_left_the_public_register_and_hide_drafts(api, editor_api):
    sector = SectorFactory(slug="logistics").slug
    draft = {"name": "Draft", "country": "CN", "sector": sector, "status": "applicant"}
    assert editor_api.post(LIST, draft, format="json").status_code == 201
    CompanyFactory(slug="acme")
    editor_api.patch(f"{LIST}acme/", {"slug": "acme-2"}, format="json")
    editor_api.patch(f"{LIST}acme-2/", {"is_published": False}, format="json")
    editor_api.delete(f"{LIST}acme-2/")
    editor_api.delete(f"{LIST}draft/")

    public = api.get(f"{V1}removals/").json()["results"]
    assert [(r["slug"], r["reason"]) for r in public] == [
        ("acme", "renamed"),
        ("acme-2", "unpublished"),
    ]
    editors = editor_api.get(f"{V1}removals/").json()["results"]
    assert [(r["slug"], r["reason"]) for r in editors] == [
        ("acme", "renamed"),
        ("acme-2", "deleted"),
        ("draft", "deleted"),
    ]
    later = api.get(f"{V1}removals/", {"since": public[1]["removed_at"]}).json()["results"]
    assert [r["slug"] for r in later] == ["acme-2"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "yesterday"}, "since"),
        ({"cursor": "nonsense"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_a_bad_removals_parameter_is_refused_naming_it(api, params, name):
    response = api.get(f"{V1}removals/", params)
    assert response.status_code == 400
    assert list(response.json()) == [name]
