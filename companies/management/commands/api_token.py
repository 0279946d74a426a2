from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from companies.api import tokens


class Command(BaseCommand):
    help = (
        "Issue an API token for a user (printed once; only its hash is stored), "
        "or revoke all of the user's tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days until it expires (default: settings; 1-{settings.API_TOKEN_MAX_DAYS}).",
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
        if not user.is_active:
            raise CommandError(f"username: {username} is inactive.")
        try:
            instance, token = tokens.token_create(user=user, days=days)
        except tokens.TokenRefused as refusal:
            name = "--days" if refusal.field == "days" else "username"
            raise CommandError(f"{name}: {refusal}") from None
        self.stdout.write(token)
        self.stderr.write(f"Expires {instance.expiry:%Y-%m-%d %H:%M %Z}. Send it as: "
                          f"Authorization: Token <token>")  # fmt: skip
