"""Shared fixtures: one programme with a user for every role, and a second programme for isolation checks."""

from dataclasses import dataclass

import pytest

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory, UserFactory

ROLES = ["anonymous", "stakeholder", "member", "lead", "other_lead", "org_admin"]


@dataclass
class World:
    organisation: object
    programme: object
    other_programme: object
    users: dict

    def user(self, role: str):
        return self.users.get(role)


@pytest.fixture
def world(db) -> World:
    """Programme A with stakeholder, member, lead and an organisation admin; programme B led by other_lead."""
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    other_programme = ProgrammeFactory(title="Anderes Programm", slug="anderes-programm")
    users = {
        "stakeholder": MembershipFactory(programme=programme, role=Role.STAKEHOLDER).user,
        "member": MembershipFactory(programme=programme, role=Role.MEMBER).user,
        "lead": MembershipFactory(programme=programme, role=Role.LEAD).user,
        "other_lead": MembershipFactory(programme=other_programme, role=Role.LEAD).user,
        "org_admin": UserFactory(),
    }
    organisation.admins.add(users["org_admin"])
    return World(organisation, programme, other_programme, users)


@pytest.fixture
def client_as(client, world):
    """client_as(role) → a Django test client signed in with that role (anonymous: signed out)."""

    def make(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(world.user(role))
        return client

    return make


@pytest.fixture
def api_as(world):
    """api_as(role) → a DRF APIClient authenticated as that role."""
    from rest_framework.test import APIClient

    def make(role: str):
        api = APIClient()
        if role != "anonymous":
            api.force_authenticate(world.user(role))
        return api

    return make
