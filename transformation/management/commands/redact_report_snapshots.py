"""Remove names of people from report snapshots built before reports were kept free of them."""

from django.core.management.base import BaseCommand, CommandError

from programmes.models import Programme
from transformation.models import Report
from transformation.reports import report_redact_personal_data


class Command(BaseCommand):
    help = (
        "Remove names of people (milestone owners, authors of phase decisions, people named in risk warnings) "
        "from stored report snapshots and render them again. Sent e-mails cannot be recalled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="Only the reports of this programme (id).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the reports that hold names; change none."
        )

    def handle(self, *args, programme=None, dry_run=False, **options):
        reports = Report.objects.exclude(html="").order_by("pk")
        if programme is not None:
            if not Programme.objects.filter(pk=programme).exists():
                raise CommandError(f"No programme with id {programme}.")
            reports = reports.filter(programme_id=programme)
        changed = 0
        for pk in reports.values_list("pk", flat=True).iterator(chunk_size=200):
            if report_redact_personal_data(report=Report(pk=pk), dry_run=dry_run):
                changed += 1
        verb = "would be redacted" if dry_run else "redacted"
        self.stdout.write(self.style.SUCCESS(f"{changed} report(s) {verb}."))
