"""Recompute the pre-aggregated answer counts from the stored answers (after a restore or a manual fix)."""

from django.core.management.base import BaseCommand, CommandError

from evaluation import tallies
from evaluation.models import Survey


class Command(BaseCommand):
    help = "Rebuild the answer tallies that the results pages read, for one survey or for all."

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, help="Only this survey (id).")

    def handle(self, *args, survey=None, **options):
        target = None
        if survey is not None:
            target = Survey.objects.filter(pk=survey).first()
            if target is None:
                raise CommandError(f"No survey with id {survey}.")
        rows = tallies.rebuild(survey=target)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {rows} tally rows."))
