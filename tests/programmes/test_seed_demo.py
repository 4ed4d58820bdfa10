"""`manage.py seed_demo`: a complete demo city, idempotent, with accounts that can sign in."""

from http import HTTPStatus
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from programmes import reference
from programmes.demo import register_demo_step, unregister_demo_step
from programmes.management.commands.seed_demo import DEFAULT_PASSWORD
from programmes.models import (
    Membership,
    Organisation,
    Phase,
    PhaseTransition,
    Programme,
    Role,
    Stakeholder,
    StakeholderGroup,
)

pytestmark = pytest.mark.django_db

LEAD = "lead@musterstadt.example"


@pytest.fixture(autouse=True)
def demo_env(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_SUPERUSER", raising=False)


@pytest.fixture
def hub_only(monkeypatch):
    """Only the hub's steps: faster where the phase apps' demo data does not matter."""
    monkeypatch.setattr("programmes.management.commands.seed_demo.registered_demo_steps", list)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [User, EmailAddress, Organisation, Programme, Membership, Stakeholder, PhaseTransition]
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_gives_the_same_counts():
    first_output = seed()
    first = counts()

    second_output = seed()

    assert counts() == first
    assert (
        first
        == {
            "User": 4,
            "EmailAddress": 4,
            "Organisation": 1,
            "Programme": 2,
            "Membership": 6,
            "Stakeholder": 15,
            "PhaseTransition": 3,  # Smarte Verwaltung E→K; Digitale Innenstadt E→K and K→T (transformation/demo_gates.py)
        }
    )
    assert DEFAULT_PASSWORD in first_output
    assert "http://127.0.0.1:8000" in first_output
    assert DEFAULT_PASSWORD not in second_output
    assert LEAD in second_output


def test_the_demo_city_is_complete(hub_only):
    seed()

    organisation = Organisation.objects.get(slug="musterstadt")
    assert (organisation.name, organisation.region, organisation.size_class) == (
        "Musterstadt",
        "Nordrhein-Westfalen",
        Organisation.SizeClass.MEDIUM_TOWN,
    )
    assert list(organisation.admins.values_list("email", flat=True)) == ["admin@musterstadt.example"]

    innenstadt = Programme.objects.get(organisation=organisation, slug="digitale-innenstadt")
    assert innenstadt.title == "Digitale Innenstadt Musterstadt"
    assert (str(innenstadt.start_date), str(innenstadt.end_date), innenstadt.budget) == (
        "2026-01-01",
        "2028-12-31",
        480000,
    )
    assert innenstadt.phase == Phase.EVALUATION
    assert all([innenstadt.summary, innenstadt.vision, innenstadt.strategy])
    for name, options in [
        ("target_groups", reference.TARGET_GROUPS),
        ("citizen_drivers", reference.CITIZEN_DRIVERS),
        ("action_fields", reference.ACTION_FIELDS),
    ]:
        values = getattr(innenstadt, name)
        assert values, name
        assert set(values) <= dict(options).keys(), name

    stakeholders = innenstadt.stakeholders.all()
    assert 10 <= len(stakeholders) <= 12
    assert {s.group for s in stakeholders} == set(StakeholderGroup.values)
    assert all(s.engagement_notes for s in stakeholders)

    roles = dict(innenstadt.memberships.values_list("user__email", "role"))
    assert roles == {
        LEAD: Role.LEAD,
        "mitglied@musterstadt.example": Role.MEMBER,
        "stakeholder@musterstadt.example": Role.STAKEHOLDER,
    }

    verwaltung = Programme.objects.get(organisation=organisation, slug="smarte-verwaltung")
    assert verwaltung.phase == Phase.KONZEPTION
    transition = verwaltung.transitions.get()
    assert (transition.from_phase, transition.to_phase, transition.decided_by.email) == (
        Phase.EVALUATION,
        Phase.KONZEPTION,
        LEAD,
    )
    assert transition.rationale

    assert not User.objects.filter(is_superuser=True).exists()
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()


def test_the_lead_signs_in_and_sees_both_programmes(hub_only, client):
    seed()

    assert client.login(email=LEAD, password=DEFAULT_PASSWORD)
    response = client.get(reverse("programmes:portfolio"))

    assert response.status_code == HTTPStatus.OK
    assert response.wsgi_request.path == "/programmes/"
    content = response.content.decode()
    assert "Digitale Innenstadt Musterstadt" in content
    assert "Smarte Verwaltung Musterstadt" in content


def test_every_account_can_sign_in_and_sees_the_innenstadt_programme(hub_only, client):
    seed()
    url = reverse("programmes:detail", kwargs={"org": "musterstadt", "slug": "digitale-innenstadt"})

    for email in ["admin", "lead", "mitglied", "stakeholder"]:
        client.logout()
        assert client.login(email=f"{email}@musterstadt.example", password=DEFAULT_PASSWORD), email
        assert client.get(url).status_code == HTTPStatus.OK, email


def test_reset_restores_the_demo_and_its_password():
    # With the phase apps' steps: their data (survey responses protect their wave) must go too.
    seed()
    expected = counts()
    lead = User.objects.get(email=LEAD)
    lead.set_password("Ein-anderes-Passwort-42")
    lead.save()
    Stakeholder.objects.filter(name="Seniorenbeirat").delete()

    output = seed("--reset")

    assert counts() == expected
    assert User.objects.get(email=LEAD).check_password(DEFAULT_PASSWORD)
    assert DEFAULT_PASSWORD in output


def test_password_and_superuser_come_from_the_environment(hub_only, monkeypatch, client):
    monkeypatch.setenv("DEMO_PASSWORD", "Anderes-Demo-Passwort-7")
    monkeypatch.setenv("DEMO_SUPERUSER", "true")

    output = seed()

    superuser = User.objects.get(email="superuser@musterstadt.example")
    assert superuser.is_superuser
    assert superuser.is_staff
    assert not User.objects.get(email="admin@musterstadt.example").is_superuser
    assert "Anderes-Demo-Passwort-7" in output
    assert client.login(email=LEAD, password="Anderes-Demo-Passwort-7")


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "12345")

    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        seed()

    assert not User.objects.exists()


def test_registered_steps_run_after_the_hub_steps():
    seen = []

    def phase_step(demo):
        seen.append((demo.organisation.slug, sorted(demo.programmes), sorted(demo.users)))

    register_demo_step(phase_step)
    register_demo_step(phase_step)  # registering twice keeps one
    try:
        seed()
    finally:
        unregister_demo_step(phase_step)

    assert seen == [
        (
            "musterstadt",
            ["digitale-innenstadt", "smarte-verwaltung"],
            ["admin", "lead", "member", "stakeholder"],
        )
    ]


def test_no_mail_is_sent(mailoutbox):
    seed()

    assert mailoutbox == []
