"""Factories for workshops (issue 7)."""

from datetime import timedelta

import factory
from django.utils import timezone

from programmes.models import AgendaItem, Phase, Workshop, WorkshopOutput, WorkshopParticipant
from tests.programmes.factories import ProgrammeFactory


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    programme = factory.SubFactory(ProgrammeFactory)
    phase = Phase.KONZEPTION
    title = factory.Sequence(lambda n: f"Journey-Walk {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Rathaus, Sitzungssaal 2"
    dots_per_participant = 3
    voting_open = True


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopParticipant

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Gast {n}")
    email = factory.Sequence(lambda n: f"gast{n}@example.org")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    workshop = factory.SubFactory(WorkshopFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    minutes = 15


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopOutput

    workshop = factory.SubFactory(WorkshopFactory)
    kind = WorkshopOutput.Kind.IDEA
    text = factory.Sequence(lambda n: f"Idee {n}: digitaler Stadtplan")
    votable = True
