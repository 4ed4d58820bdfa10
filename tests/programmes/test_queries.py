"""Every list page and API list runs a fixed number of queries, whether it shows 1 row or 50.

Each limit is the count measured for one row; a page whose count grows with its rows (an N+1) fails at 50.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import Invitation, PhaseTransition, Role
from tests.programmes.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StakeholderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


def fill_programme(programme, size: int, lead) -> None:
    """``size`` members, stakeholders, invitations and phase decisions, each with its history."""
    for index in range(size):
        MembershipFactory(programme=programme, role=[Role.MEMBER, Role.STAKEHOLDER][index % 2])
        StakeholderFactory(programme=programme, engagement_notes="Jour fixe monatlich")
        Invitation.objects.create(
            programme=programme,
            email=f"invited{index}@example.org",
            role=Role.MEMBER,
            token_hash=Invitation.new_token()[1],
            invited_by=UserFactory(),
            expires_at=timezone.now() + timedelta(days=3 - index % 5),
        )
        PhaseTransition.objects.create(
            programme=programme,
            from_phase="evaluation",
            to_phase="konzeption",
            cycle=1,
            decided_by=UserFactory(),
            rationale=f"Entscheidung {index}",
            overridden=index % 2 == 0,
        )
    services.programme_update(programme=programme, summary=f"{size} Zeilen")


@pytest.fixture
def lead_with_programme(client):
    def make(size: int):
        lead = UserFactory()
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, user=lead, role=Role.LEAD)
        fill_programme(programme, size, lead)
        client.force_login(lead)
        return client, programme

    return make


@pytest.mark.parametrize("size", SIZES)
def test_portfolio(client, django_assert_max_num_queries, size):
    user = UserFactory()
    for index in range(size):
        organisation = OrganisationFactory()
        programme = ProgrammeFactory(organisation=organisation)
        MembershipFactory(programme=programme, user=user, role=[Role.LEAD, Role.MEMBER][index % 2])
        StakeholderFactory(programme=programme)
        if index % 3 == 0:
            organisation.admins.add(user)
    client.force_login(user)

    # 4 for the list, up to 4 for the registered portfolio columns (Transformation: KPI status, overdue milestones)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programmes:portfolio"))

    assert response.status_code == 200
    assert len(response.context["groups"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_programme_detail(lead_with_programme, django_assert_max_num_queries, size):
    client, programme = lead_with_programme(size)

    # 8 for the page, 11 for the risk radar (one to three per registered rule, one for the acknowledgements)
    with django_assert_max_num_queries(19):
        response = client.get(programme.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["members"]) == size + 1
    assert len(response.context["transitions"]) == min(size, 20)


@pytest.mark.parametrize("size", SIZES)
def test_members_page(lead_with_programme, django_assert_max_num_queries, size):
    client, programme = lead_with_programme(size)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("programmes:members", kwargs=programme.url_kwargs))

    assert response.status_code == 200
    assert len(response.context["members"]) == size + 1
    assert len(response.context["invitations"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_stakeholders_page(lead_with_programme, django_assert_max_num_queries, size):
    client, programme = lead_with_programme(size)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("programmes:stakeholders", kwargs=programme.url_kwargs))

    assert response.status_code == 200
    assert len(response.context["stakeholders"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_api_programme_list(django_assert_max_num_queries, size):
    from rest_framework.test import APIClient

    user = UserFactory()
    for index in range(size):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, user=user, role=[Role.LEAD, Role.STAKEHOLDER][index % 2])
        if index % 3 == 0:
            programme.organisation.admins.add(user)
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("api:programme-list"))

    assert response.status_code == 200
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_api_stakeholder_list(django_assert_max_num_queries, size):
    from rest_framework.test import APIClient

    user = UserFactory()
    programme = ProgrammeFactory()
    MembershipFactory(programme=programme, user=user, role=Role.MEMBER)
    for _ in range(size):
        StakeholderFactory(programme=programme)
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("api:stakeholder-list"))

    assert response.status_code == 200
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["api:programme-member-list", "api:programme-invitation-list"])
def test_api_nested_lists(django_assert_max_num_queries, size, name):
    from rest_framework.test import APIClient

    lead = UserFactory()
    programme = ProgrammeFactory()
    MembershipFactory(programme=programme, user=lead, role=Role.LEAD)
    fill_programme(programme, size, lead)
    client = APIClient()
    client.force_authenticate(lead)

    with django_assert_max_num_queries(3):
        response = client.get(reverse(name, kwargs={"programme_pk": programme.pk}))

    assert response.status_code == 200
