import json

from django.core.management.base import BaseCommand, CommandError

from companies import health


class Command(BaseCommand):
    help = (
        "Count what in the register needs an editor's attention (companies/health.py). "
        "Exits with status 1 when a count is above its threshold "
        "(settings.REGISTER_HEALTH_THRESHOLDS, from the DJANGO_HEALTH_MAX_* variables)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="One JSON object on stdout."
        )

    def handle(self, *args, as_json=False, **options):
        findings = health.register_health()
        if as_json:
            self.stdout.write(_as_json(findings))
        else:
            for finding in findings:
                limit = "" if finding.threshold is None else f" (threshold {finding.threshold})"
                self.stdout.write(f"{finding.check.key}: {finding.count}{limit}")
        crossed = [finding.check.key for finding in findings if finding.crossed]
        if crossed:
            raise CommandError("above the threshold: " + ", ".join(crossed), returncode=1)


def _as_json(findings) -> str:
    return json.dumps(
        {
            "checks": {
                finding.check.key: {
                    "label": str(finding.check.label),
                    "count": finding.count,
                    "threshold": finding.threshold,
                    "crossed": finding.crossed,
                }
                for finding in findings
            },
            "crossed": [finding.check.key for finding in findings if finding.crossed],
        },
        ensure_ascii=False,
    )
