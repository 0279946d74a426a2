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


# --- Logins through knox's views, and tokens that follow the user's credentials --------


def test_successful_api_login_clears_failed_logins_and_sets_last_login(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    wrong = {"username": "editor", "password": "wrong"}
    assert [APIClient().post(LOGIN, wrong).status_code for _ in range(2)] == [400, 400]
    assert editor.last_login is None
    assert APIClient().post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 200
    editor.refresh_from_db()
    assert editor.last_login is not None
    # Two more failures would have made three, a lockout, had the success not cleared them.
    assert [APIClient().post(LOGIN, wrong).status_code for _ in range(2)] == [400, 400]
    assert APIClient().post(LOGIN, wrong).status_code == 429


def test_logout_sends_django_logged_out_signal(editor):
    from django.contrib.auth.signals import user_logged_out

    seen = []

    def note(sender, user, **kwargs):
        seen.append(user.username)

    user_logged_out.connect(note)
    try:
        _, token = AuthToken.objects.create(user=editor)
        assert authorised(token).post("/api/v1/auth/logout/").status_code == 204
    finally:
        user_logged_out.disconnect(note)
    assert seen == ["editor"]


def test_live_tokens_per_user_are_bounded(editor, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    credentials = {"username": "editor", "password": PASSWORD}
    answers = [APIClient().post(LOGIN, credentials) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 403]
    assert "2 live tokens" in answers[2].json()["detail"]
    assert AuthToken.objects.filter(user=editor).count() == 2
    with pytest.raises(CommandError, match=r"username: .*2 live tokens"):
        call_command("api_token", "editor")
    # An expired token does not count against the limit.
    AuthToken.objects.filter(user=editor).update(expiry=timezone.now() - timedelta(seconds=1))
    assert APIClient().post(LOGIN, credentials).status_code == 200


@pytest.mark.parametrize("days", ["366", "99999999999"])
def test_command_refuses_a_lifetime_beyond_the_maximum(editor, days):
    with pytest.raises(CommandError, match="--days: Give a whole number of days from 1 to 365"):
        call_command("api_token", "editor", "--days", days)
    assert not AuthToken.objects.exists()


def test_command_gives_the_maximum_lifetime(editor, capsys):
    call_command("api_token", "editor", "--days", "365")
    assert patch_website(authorised(capsys.readouterr().out.strip())).status_code == 404


def a_token_of(user) -> APIClient:
    _, token = AuthToken.objects.create(user=user)
    return authorised(token)


def test_changing_ones_own_password_in_the_admin_revokes_every_token(editor, client):
    api = a_token_of(editor)
    client.force_login(editor)
    new = "another-long-password-2"
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert patch_website(api).status_code == 401
    assert not AuthToken.objects.filter(user=editor).exists()


def test_a_superuser_setting_a_password_in_the_admin_revokes_the_users_tokens(editor, client):
    api = a_token_of(editor)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    new = "another-long-password-2"
    response = client.post(
        f"/admin/auth/user/{editor.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert patch_website(api).status_code == 401


def test_changepassword_command_revokes_the_users_tokens(editor, monkeypatch):
    api = a_token_of(editor)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-long-password-2")
    call_command("changepassword", "editor")
    assert patch_website(api).status_code == 401


def test_the_password_reset_form_revokes_the_users_tokens(editor):
    from django.contrib.auth.forms import SetPasswordForm

    api = a_token_of(editor)
    new = "another-long-password-2"
    form = SetPasswordForm(editor, {"new_password1": new, "new_password2": new})
    assert form.is_valid(), form.errors
    form.save()
    assert patch_website(api).status_code == 401


def test_deactivating_a_user_revokes_their_tokens(editor):
    api = a_token_of(editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert not AuthToken.objects.filter(user=editor).exists()
    editor.is_active = True
    editor.save()
    assert patch_website(api).status_code == 401  # reactivation brings no token back


def test_a_login_or_another_change_to_the_user_keeps_their_tokens(editor):
    api = a_token_of(editor)
    assert APIClient().post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 200
    editor.first_name = "Alesia"
    editor.save()
    assert patch_website(api).status_code == 404
    assert AuthToken.objects.filter(user=editor).count() == 2
