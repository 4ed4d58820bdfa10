"""The hub's risk rule (an influential stakeholder nobody has engaged) and how acknowledgements lapse."""

from datetime import date

import pytest

from programmes import risk_rules, risks, services, tasks
from programmes.models import RiskAcknowledgement, Stakeholder


def test_influential_stakeholder_never_engaged_warns_until_a_contact_is_recorded(world):
    mayor = services.stakeholder_create(
        programme=world.programme, name="Bürgermeisterin", group="politics", influence=5, interest=4
    )
    services.stakeholder_create(
        programme=world.programme, name="Heimatverein", group="civil_society", influence=2, interest=3
    )
    warnings = list(risk_rules.unengaged_stakeholder_rule(world.programme))
    assert [w.subject for w in warnings] == [f"stakeholder:{mayor.pk}"]
    assert "Bürgermeisterin" in warnings[0].title
    assert warnings[0].url.endswith(f"/stakeholders/{mayor.pk}/edit/")

    services.stakeholder_update(stakeholder=mayor, last_engaged_on=date(2026, 11, 1))
    assert list(risk_rules.unengaged_stakeholder_rule(world.programme)) == []


def test_stakeholder_rule_runs_one_query(world, django_assert_max_num_queries):
    for i in range(20):
        services.stakeholder_create(
            programme=world.programme, name=f"S{i}", group="business", influence=4, interest=3
        )
    with django_assert_max_num_queries(1):
        assert len(list(risk_rules.unengaged_stakeholder_rule(world.programme))) == 20


# --- Acknowledgements cover the warning as it was acknowledged ----------------------------------------------


def acknowledge(world, stakeholder, note="Termin am 3.12. vereinbart"):
    return risks.risk_acknowledge(
        programme=world.programme,
        rule=risk_rules.UNENGAGED_STAKEHOLDER,
        subject=f"stakeholder:{stakeholder.pk}",
        note=note,
        user=world.user("member"),
    )


def radar(world):
    """What the radar shows now: (subject, acknowledged, note of a lapsed acknowledgement)."""
    return [
        (w.subject, w.acknowledged, getattr(w.lapsed_acknowledgement, "note", None))
        for w in risks.risk_warnings(world.programme)
        if w.rule == risk_rules.UNENGAGED_STAKEHOLDER
    ]


@pytest.fixture
def mayor(world):
    return services.stakeholder_create(
        programme=world.programme, name="Bürgermeisterin", group="politics", influence=5, interest=4
    )


def test_a_warning_that_clears_and_fires_again_is_open_again(world, mayor):
    acknowledge(world, mayor)
    subject = f"stakeholder:{mayor.pk}"
    assert radar(world) == [(subject, True, None)]
    assert radar(world) == [(subject, True, None)]  # unchanged, it stays acknowledged

    services.stakeholder_update(stakeholder=mayor, last_engaged_on=date(2026, 11, 1))
    assert radar(world) == []  # cleared (the radar is looked at, e.g. on the programme page)
    services.stakeholder_update(stakeholder=mayor, last_engaged_on=None)

    assert radar(world) == [(subject, False, "Termin am 3.12. vereinbart")]
    assert RiskAcknowledgement.objects.get().lapsed_at is not None
    # Withdrawing has nothing to withdraw; acknowledging again covers the warning as it fires now.
    assert not risks.risk_unacknowledge(
        programme=world.programme, rule=risk_rules.UNENGAGED_STAKEHOLDER, subject=subject
    )
    acknowledge(world, mayor, "Wieder offen, neuer Termin")
    assert radar(world) == [(subject, True, None)]
    assert RiskAcknowledgement.objects.get().lapsed_at is None


def test_the_nightly_sweep_notices_a_warning_that_cleared_between_two_visits(world, mayor):
    acknowledge(world, mayor)
    services.stakeholder_update(stakeholder=mayor, last_engaged_on=date(2026, 11, 1))
    assert tasks.sweep_risk_acknowledgements() == 1  # nobody opened the radar meanwhile
    services.stakeholder_update(stakeholder=mayor, last_engaged_on=None)
    assert radar(world) == [(f"stakeholder:{mayor.pk}", False, "Termin am 3.12. vereinbart")]
    assert tasks.sweep_risk_acknowledgements() == 0


def test_a_warning_whose_substance_changed_is_open_again_even_after_changing_back(world):
    club = services.stakeholder_create(
        programme=world.programme, name="Werbegemeinschaft", group="business", influence=4, interest=5
    )
    acknowledge(world, club, "Influence 4 is fine for now")
    services.stakeholder_update(stakeholder=club, influence=5)  # no visit in between: the substance tells
    assert radar(world) == [(f"stakeholder:{club.pk}", False, "Influence 4 is fine for now")]
    services.stakeholder_update(stakeholder=club, influence=4)
    assert radar(world) == [(f"stakeholder:{club.pk}", False, "Influence 4 is fine for now")]


def test_acknowledgements_recorded_before_fingerprints_adopt_the_current_warning(world, mayor):
    RiskAcknowledgement.objects.create(
        programme=world.programme,
        rule=risk_rules.UNENGAGED_STAKEHOLDER,
        subject=f"stakeholder:{mayor.pk}",
        note="alt",
    )
    assert radar(world) == [(f"stakeholder:{mayor.pk}", True, None)]
    assert RiskAcknowledgement.objects.get().fingerprint == "influence:5"


def test_the_radar_keeps_a_fixed_number_of_queries_while_acknowledgements_lapse(
    world, django_assert_max_num_queries
):
    people = [
        services.stakeholder_create(
            programme=world.programme, name=f"S{i}", group="business", influence=4, interest=3
        )
        for i in range(30)
    ]
    for person in people:
        acknowledge(world, person)
    Stakeholder.objects.filter(pk__in=[p.pk for p in people]).update(influence=5)
    with django_assert_max_num_queries(2 + len(risks.risk_registry.keys()) * 3):
        warnings = risks.risk_warnings(world.programme)
    assert sum(1 for w in warnings if w.lapsed_acknowledgement is not None) == 30


def test_an_acknowledgement_given_while_the_rules_ran_is_not_lapsed_by_that_run(world, mayor):
    from datetime import timedelta

    from django.utils import timezone

    started = timezone.now() - timedelta(seconds=5)  # the rules began before the acknowledgement was saved
    acknowledge(world, mayor)
    covering, lapsed = risks._sync_acknowledgements(world.programme, [], evaluated_at=started)
    assert (covering, lapsed) == ({}, {})
    assert RiskAcknowledgement.objects.get().lapsed_at is None
