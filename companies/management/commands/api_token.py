from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Issue an API token for a user (printed once; only its hash is stored), "
        "or revoke all of the user's tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days", type=int, default=None, help="Days until it expires (default: settings)."
        )
        parser.add_argument("--revoke", action="store_true", help="Revoke all the user's tokens.")

    def handle(self, *args, username, days=None, revoke=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username: no user '{username}'.")
        if revoke:
            count, _ = user.auth_token_set.all().delete()
            self.stdout.write(f"Revoked {count} token(s) of {username}.")
            return
        if days is not None and days < 1:
            raise CommandError("--days: give a whole number of days from 1.")
        if not user.is_active:
            raise CommandError(f"username: {username} is inactive.")
        kwargs = {} if days is None else {"expiry": timedelta(days=days)}
        instance, token = AuthToken.objects.create(user=user, **kwargs)
        self.stdout.write(token)
        self.stderr.write(f"Expires {instance.expiry:%Y-%m-%d %H:%M %Z}. Send it as: "
                          f"Authorization: Token <token>")  # fmt: skip
