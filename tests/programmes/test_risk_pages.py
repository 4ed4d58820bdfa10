"""The risk radar page: every role reads it; leads and members acknowledge a warning with a note."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programmes import services
from programmes.models import RiskAcknowledgement
from programmes.risk_rules import UNENGAGED_STAKEHOLDER
from programmes.risks import risk_warnings
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix


@pytest.fixture
def mayor(world):
    return services.stakeholder_create(
        programme=world.programme, name="Bürgermeisterin Krämer", group="politics", influence=5, interest=4
    )


def url(name, programme):
    return reverse(f"programmes:{name}", kwargs=programme.url_kwargs)


def ack_data(stakeholder, note="Termin am 3.12. vereinbart"):
    return {"rule": UNENGAGED_STAKEHOLDER, "subject": f"stakeholder:{stakeholder.pk}", "note": note}


def test_every_role_of_the_programme_reads_the_radar(client_as, world, mayor):
    check_matrix(
        client_as,
        url("risks", world.programme),
        {
            "anonymous": REDIRECT,
            "stakeholder": OK,
            "member": OK,
            "lead": OK,
            "other_lead": NOT_FOUND,
            "org_admin": OK,
        },
    )


def test_the_radar_shows_each_warning_with_explanation_and_link(client_as, world, mayor):
    page = client_as("stakeholder").get(url("risks", world.programme)).content.decode()
    assert "Bürgermeisterin Krämer" in page
    assert (
        reverse("programmes:stakeholder_edit", kwargs={**world.programme.url_kwargs, "pk": mayor.pk}) in page
    )
    assert 'action="' + url("risk_acknowledge", world.programme) not in page  # stakeholders only read


def test_a_member_acknowledges_with_a_note_and_a_lead_withdraws_it(client_as, world, mayor):
    response = client_as("member").post(url("risk_acknowledge", world.programme), ack_data(mayor))
    assert response.status_code == HTTPStatus.FOUND
    ack = RiskAcknowledgement.objects.get()
    assert (ack.note, ack.acknowledged_by) == ("Termin am 3.12. vereinbart", world.user("member"))
    page = client_as("lead").get(url("risks", world.programme)).content.decode()
    assert "Termin am 3.12. vereinbart" in page and 'id="acknowledged-risks"' in page

    # Acknowledging again replaces the note instead of failing on the unique constraint.
    client_as("lead").post(url("risk_acknowledge", world.programme), ack_data(mayor, "Neuer Stand"))
    assert RiskAcknowledgement.objects.get().note == "Neuer Stand"

    response = client_as("lead").post(
        url("risk_unacknowledge", world.programme),
        {"rule": UNENGAGED_STAKEHOLDER, "subject": f"stakeholder:{mayor.pk}"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not RiskAcknowledgement.objects.exists()
    assert not risk_warnings(world.programme)[0].acknowledged


def test_acknowledging_without_a_note_shows_the_error_and_keeps_nothing(client_as, world, mayor):
    response = client_as("member").post(url("risk_acknowledge", world.programme), ack_data(mayor, "   "))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in response.content.decode()
    assert not RiskAcknowledgement.objects.exists()


def test_acknowledging_an_unknown_or_foreign_warning_is_refused(client_as, world, mayor):
    foreign = services.stakeholder_create(
        programme=world.other_programme, name="Fremd", group="politics", influence=5, interest=5
    )
    for data in [
        {"rule": "nonsense", "subject": "", "note": "x"},
        ack_data(foreign),
        {"rule": UNENGAGED_STAKEHOLDER, "subject": "x" * 500, "note": "x"},
    ]:
        response = client_as("lead").post(url("risk_acknowledge", world.programme), data)
        assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not RiskAcknowledgement.objects.exists()


def test_a_stakeholder_cannot_acknowledge(client_as, world, mayor):
    response = client_as("stakeholder").post(url("risk_acknowledge", world.programme), ack_data(mayor))
    assert response.status_code == FORBIDDEN
    assert not RiskAcknowledgement.objects.exists()


@pytest.mark.parametrize("count", [1, 50])
def test_radar_page_query_count_holds_for_few_and_many_warnings(
    client_as, world, count, django_assert_max_num_queries
):
    for i in range(count):
        stakeholder = services.stakeholder_create(
            programme=world.programme, name=f"Stakeholder {i}", group="business", influence=4, interest=3
        )
        if i % 2:
            RiskAcknowledgement.objects.create(
                programme=world.programme,
                rule=UNENGAGED_STAKEHOLDER,
                subject=f"stakeholder:{stakeholder.pk}",
                note="ok",
            )
    client = client_as("lead")
    with django_assert_max_num_queries(18):
        response = client.get(url("risks", world.programme))
    assert response.status_code == OK


# --- The open risks on the programme page ------------------------------------------------------------------


def test_the_programme_page_shows_the_open_risks_with_explanation_and_link(client_as, world, mayor):
    chamber = services.stakeholder_create(
        programme=world.programme, name="IHK", group="business", influence=4, interest=4
    )
    client_as("member").post(url("risk_acknowledge", world.programme), ack_data(chamber, "ok"))
    response = client_as("stakeholder").get(world.programme.get_absolute_url())
    page = response.content.decode()
    assert [w.subject for w in response.context["open_risks"]] == [f"stakeholder:{mayor.pk}"]
    assert response.context["acknowledged_risk_count"] == 1
    assert "Bürgermeisterin Krämer" in page and "Influence 5 of 5" not in page  # German page
    assert "Einfluss 5 von 5" in page  # the explanation
    edit = reverse("programmes:stakeholder_edit", kwargs={**world.programme.url_kwargs, "pk": mayor.pk})
    assert edit in page
    assert 'id="open-risk-count"' in page
    assert url("risk_acknowledge", world.programme) not in page  # a stakeholder only reads


@pytest.mark.parametrize("role", ["member", "lead", "org_admin"])
def test_contributors_acknowledge_from_the_programme_page_and_return_there(client_as, world, mayor, role):
    client = client_as(role)
    page = client.get(world.programme.get_absolute_url()).content.decode()
    assert 'action="' + url("risk_acknowledge", world.programme) in page
    assert 'name="return_to" value="detail"' in page

    response = client.post(
        url("risk_acknowledge", world.programme), {**ack_data(mayor), "return_to": "detail"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.programme.get_absolute_url()
    after = client.get(world.programme.get_absolute_url())
    assert after.context["open_risks"] == [] and after.context["acknowledged_risk_count"] == 1


def test_the_programme_page_of_another_programme_shows_no_risks(client_as, world, mayor):
    response = client_as("other_lead").get(world.programme.get_absolute_url())
    assert response.status_code == NOT_FOUND


@pytest.mark.parametrize("count", [1, 50])
def test_programme_page_query_count_holds_for_few_and_many_risks(
    client_as, world, count, django_assert_max_num_queries
):
    from concept import services as concept_services
    from evaluation import services as evaluation_services

    finding = evaluation_services.finding_create(programme=world.programme, statement="Befund ohne Beleg")
    for i in range(count):
        stakeholder = services.stakeholder_create(
            programme=world.programme, name=f"Stakeholder {i}", group="business", influence=4, interest=3
        )
        measure = concept_services.measure_create(
            programme=world.programme, title=f"Maßnahme {i}", findings=[finding]
        )
        concept_services.measure_select(measure=measure)  # no evidence, no operating model: two warnings
        if i % 2:
            RiskAcknowledgement.objects.create(
                programme=world.programme,
                rule=UNENGAGED_STAKEHOLDER,
                subject=f"stakeholder:{stakeholder.pk}",
                note="ok",
                fingerprint="influence:4" if i % 4 == 1 else "influence:2",  # half of them lapse
            )
    client = client_as("member")
    # The page (8), the radar's rules (10) and acknowledgements (1), one to lapse, one to adopt fingerprints.
    with django_assert_max_num_queries(21):
        response = client.get(world.programme.get_absolute_url())
    assert response.status_code == OK
    assert len(response.context["open_risks"]) >= 2 * count


# --- Settings of the rules (the staleness period of touchpoint content) ---------------------------------------

STALE_DAYS = "concept.stale_content__days"


def stale_touchpoint(programme, days_ago):
    from datetime import timedelta

    from django.utils import timezone

    from concept import services as concept_services

    stage = concept_services.journey_ensure_defaults(programme=programme)[0]
    return concept_services.touchpoint_create(
        stage=stage,
        name="Innenstadt-Website",
        channel="online",
        last_content_update=timezone.localdate() - timedelta(days=days_ago),
    )


def stale_subjects(programme):
    return [w.subject for w in risk_warnings(programme) if w.rule == "concept.stale_content"]


@pytest.mark.parametrize("role", ["lead", "org_admin"])
def test_a_lead_sets_the_staleness_period_on_the_radar_page(client_as, world, role):
    touchpoint = stale_touchpoint(world.programme, days_ago=200)
    assert stale_subjects(world.programme) == []  # 200 days: fresh under the default of 365
    page = client_as(role).get(url("risks", world.programme)).content.decode()
    assert f'action="{url("risk_settings", world.programme)}"' in page and 'value="365"' in page

    response = client_as(role).post(url("risk_settings", world.programme), {STALE_DAYS: "180"})
    assert response.status_code == HTTPStatus.FOUND
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {"concept.stale_content": {"days": 180}}
    assert stale_subjects(world.programme) == [f"touchpoint:{touchpoint.pk}"]
    warning = next(w for w in risk_warnings(world.programme) if w.rule == "concept.stale_content")
    assert "180" in warning.explanation

    client_as(role).post(url("risk_settings", world.programme), {STALE_DAYS: "365"})  # back to the default
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {} and stale_subjects(world.programme) == []


@pytest.mark.parametrize("value", ["3", "99999", "viele", ""])
def test_a_bad_staleness_period_is_a_field_error_and_saves_nothing(client_as, world, value):
    client = client_as("lead")
    client.cookies["django_language"] = "en"
    response = client.post(
        url("risk_settings", world.programme), {STALE_DAYS: value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["settings_form"].errors[STALE_DAYS]
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}


def test_members_and_stakeholders_read_the_period_but_cannot_change_it(client_as, world):
    for role in ("member", "stakeholder"):
        page = client_as(role).get(url("risks", world.programme)).content.decode()
        assert 'id="risk-settings-values"' in page and url("risk_settings", world.programme) not in page
        response = client_as(role).post(url("risk_settings", world.programme), {STALE_DAYS: "30"})
        assert response.status_code == FORBIDDEN
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}


def test_the_service_refuses_unknown_rules_and_non_numbers(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.programme_risk_settings_update(
            programme=world.programme,
            values={"concept.stale_content": {"days": "30"}, "nonsense.rule": {"days": 30}},
        )
    assert set(error.value.message_dict) == {STALE_DAYS, "nonsense.rule__days"}
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}
