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


@pytest.fixture
def no_gate_criteria(monkeypatch):
    """The gate registry without any criteria for this test (criteria of installed phase apps set aside)."""
    from programmes.gates import gate_registry

    monkeypatch.setattr(gate_registry, "_criteria", {})
    return gate_registry


@pytest.fixture
def failing_gate(request, no_gate_criteria):
    """One criterion for leaving Evaluation that is never met; unregistered again after the test."""
    from programmes.gates import CriterionResult, gate_registry

    key = "tests.closed_survey_wave"

    def criterion(programme):
        return CriterionResult(
            key=key, label="A survey wave is closed", met=False, detail="0 of 1 waves closed", url="/x/"
        )

    gate_registry.register("evaluation", key, criterion)
    request.addfinalizer(lambda: gate_registry.unregister("evaluation", key))
    return key


@pytest.fixture
def wsgi_keeps_test_connection():
    """For tests that call the WSGI application directly instead of through Django's test client.

    After each request Django closes "unusable" database connections; inside the test's transaction the
    connection looks unusable (autocommit is off), so on PostgreSQL the test's own connection would be closed.
    django.test.Client disconnects this handler for the same reason.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
