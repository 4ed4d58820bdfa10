"""The demo city shows an override on its timeline and a few believable open risks, one acknowledged."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from programmes.models import Phase, Programme
from programmes.risks import risk_warnings


@pytest.mark.django_db
def test_demo_programme_has_an_override_and_open_risks(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    programme = Programme.objects.get(slug="digitale-innenstadt")
    assert programme.phase == Phase.TRANSFORMATION
    transitions = list(programme.transitions.order_by("decided_at"))
    assert [(t.from_phase, t.to_phase, t.overridden) for t in transitions] == [
        ("evaluation", "konzeption", False),
        ("konzeption", "transformation", True),
    ]
    assert "Förderbescheid" in transitions[1].rationale

    warnings = risk_warnings(programme)
    open_warnings = [w for w in warnings if not w.acknowledged]
    acknowledged = [w for w in warnings if w.acknowledged]
    assert 2 <= len(open_warnings) <= 4
    assert len(acknowledged) == 1 and acknowledged[0].acknowledgement.note

    client.force_login(programme.memberships.get(role="lead").user)
    page = client.get(
        reverse("programmes:transformation:timeline", kwargs=programme.url_kwargs)
    ).content.decode()
    assert "is-override" in page and "Förderbescheid" in page
