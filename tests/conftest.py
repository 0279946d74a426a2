import pytest

from companies import services
from tests.factories import UserFactory
from tests.pages import claims, empty_cache, register  # noqa: F401  (public pages' fixtures)


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
