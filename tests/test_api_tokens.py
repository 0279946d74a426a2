"""API tokens: obtained with a password or issued by command, hashed at rest, expiring,
revocable."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
PASSWORD = "a-long-test-password"


def authorised(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def patch_website(client):
    return client.patch("/api/v1/companies/nope/", {"website": ""})


def test_editor_logs_in_with_a_password_and_writes_with_the_token(editor):
    response = APIClient().post(LOGIN, {"username": "editor", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert timedelta(days=29) < expiry - timezone.now() <= timedelta(days=30)
    # Authenticated and allowed: the missing company is the only problem.
    assert patch_website(authorised(body["token"])).status_code == 404


def test_tokens_are_stored_hashed(editor):
    token = APIClient().post(LOGIN, {"username": "editor", "password": PASSWORD}).json()["token"]
    stored = AuthToken.objects.get(user=editor)
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128  # SHA-512


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "editor", "password": "wrong"}, "non_field_errors"),
        ({"username": "nobody", "password": PASSWORD}, "non_field_errors"),
        ({"username": "editor"}, "password"),
        ({"password": PASSWORD}, "username"),
    ],
)
def test_bad_login_is_refused_naming_the_problem(editor, body, field):
    response = APIClient().post(LOGIN, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token(editor):
    editor.is_active = False
    editor.save()
    assert APIClient().post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 400


def test_expired_token_is_refused(editor):
    _, token = AuthToken.objects.create(user=editor, expiry=timedelta(seconds=-1))
    response = patch_website(authorised(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_logout_revokes_only_the_token_used(editor):
    _, first = AuthToken.objects.create(user=editor)
    _, second = AuthToken.objects.create(user=editor)
    assert authorised(first).post("/api/v1/auth/logout/").status_code == 204
    assert patch_website(authorised(first)).status_code == 401
    assert patch_website(authorised(second)).status_code == 404


def test_logout_all_revokes_every_token_of_the_user(editor):
    _, first = AuthToken.objects.create(user=editor)
    _, second = AuthToken.objects.create(user=editor)
    assert authorised(first).post("/api/v1/auth/logout-all/").status_code == 204
    assert patch_website(authorised(second)).status_code == 401


def test_logout_needs_a_token(api):
    assert api.post("/api/v1/auth/logout/").status_code == 401


def test_token_of_a_deactivated_user_stops_working(editor):
    _, token = AuthToken.objects.create(user=editor)
    editor.is_active = False
    editor.save()
    assert patch_website(authorised(token)).status_code == 401


def test_command_issues_a_token_that_expires_after_the_days_given(editor, capsys):
    call_command("api_token", "editor", "--days", "90")
    token = capsys.readouterr().out.strip()
    assert patch_website(authorised(token)).status_code == 404
    expiry = AuthToken.objects.get(user=editor).expiry
    assert timedelta(days=89) < expiry - timezone.now() <= timedelta(days=90)


def test_command_revokes_every_token_of_a_user(editor, capsys):
    call_command("api_token", "editor")
    token = capsys.readouterr().out.strip()
    call_command("api_token", "editor", "--revoke")
    assert "Revoked 1 token(s)" in capsys.readouterr().out
    assert patch_website(authorised(token)).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody"], "username: no user 'nobody'"), (["editor", "--days", "0"], "--days")],
)
def test_command_refuses_bad_arguments(editor, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args)
    assert not AuthToken.objects.exists()


def test_reader_token_reads_but_cannot_write(token_for):
    client = token_for(UserFactory(username="reader"))
    assert client.get("/api/v1/companies/").status_code == 200
    assert patch_website(client).status_code == 403
