import pytest
from django.conf import settings
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from companies import services
from tests.browser import browser  # noqa: F401  (the browser tests' chromium)
from tests.factories import UserFactory
from tests.pages import claims, clear_caches, residents_and_a_draft  # noqa: F401  (public pages' fixtures)


@pytest.fixture
def editor(db):
    """A park editor: staff, in the Editors group, not a superuser."""
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(services.editors_group_sync())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and cached responses never carry over between tests (cached
    figures are keyed on the register revision, which each test's rollback can repeat)."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in another language leaves it active in the thread; every test starts
    in the site's default, so messages and translated fields do not depend on the order."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def token_for():
    """A function that issues an API token for a user and returns a client that sends it."""

    def issue(user) -> APIClient:
        _, token = AuthToken.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return issue


@pytest.fixture
def editor_api(editor, token_for):
    """An API client with an editor's token."""
    return token_for(editor)
