"""Workshop API: CRUD with the permission matrix, nested agenda/participants/outputs, votes with the same rules
as the pages, results, conversions, and query counts for 1 and 50 rows."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from concept import services as concept_services
from concept.models import Measure
from evaluation.models import Finding
from programmes import workshops as ws
from programmes.models import Vote, Workshop, WorkshopOutput
from tests.conftest import ROLES
from tests.programmes.factories_workshops import AgendaItemFactory, GuestFactory, IdeaFactory, WorkshopFactory

OK, CREATED, NO_CONTENT = HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.NO_CONTENT
BAD, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.UNAUTHORIZED,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
)

READ = {
    "anonymous": UNAUTHORIZED,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}


def api_matrix(api_as, method, url, expected, data=None):
    assert set(expected) == set(ROLES)
    failures = []
    for role in ROLES:
        response = getattr(api_as(role), method)(url, data, format="json")
        if response.status_code != expected[role]:
            failures.append(
                f"{role}: expected {expected[role]}, got {response.status_code} {response.content[:200]}"
            )
    assert not failures, f"{method.upper()} {url}\n" + "\n".join(failures)


@pytest.fixture
def workshop(world):
    workshop = WorkshopFactory(programme=world.programme, voting_open=True)
    AgendaItemFactory(workshop=workshop, title="Begrüßung", minutes=10)
    return workshop


def test_the_list_shows_only_workshops_of_visible_programmes_and_filters_by_programme(
    api_as, world, workshop
):
    WorkshopFactory(programme=world.other_programme)
    response = api_as("stakeholder").get(reverse("api:workshop-list"))
    assert [w["id"] for w in response.json()["results"]] == [workshop.pk]
    assert response.json()["results"][0]["agenda"][0]["title"] == "Begrüßung"
    response = api_as("other_lead").get(reverse("api:workshop-list"), {"programme": world.programme.pk})
    assert response.json()["results"] == []
    assert (
        api_as("member").get(reverse("api:workshop-list"), {"programme": "99999999999999999999"}).status_code
        == BAD
    )


@pytest.mark.parametrize("name", ["workshop-detail", "workshop-results"])
def test_every_role_of_the_programme_reads_a_workshop(api_as, workshop, name):
    api_matrix(api_as, "get", reverse(f"api:{name}", args=[workshop.pk]), READ)


@pytest.mark.parametrize(
    "nested", ["workshop-agenda-item-list", "workshop-participant-list", "workshop-output-list"]
)
def test_nested_lists_are_readable_by_every_role(api_as, workshop, nested):
    api_matrix(api_as, "get", reverse(f"api:{nested}", kwargs={"workshop_pk": workshop.pk}), READ)


def test_leads_and_members_create_from_a_template_others_may_not(api_as, world):
    data = {
        "programme": world.programme.pk,
        "template": "t_retrospective",
        "starts_at": "2027-02-01T16:00:00+01:00",
    }
    expected = {
        **READ,
        "stakeholder": FORBIDDEN,
        "member": CREATED,
        "lead": CREATED,
        "other_lead": BAD,
        "org_admin": CREATED,
    }
    api_matrix(api_as, "post", reverse("api:workshop-list"), expected, data)
    created = Workshop.objects.filter(programme=world.programme)
    assert created.count() == 3
    assert all(w.phase == "transformation" and w.agenda.count() == 6 for w in created)


def test_a_bad_workshop_is_a_400_with_field_errors(api_as, world):
    response = api_as("member").post(
        reverse("api:workshop-list"),
        {
            "programme": world.programme.pk,
            "title": "X",
            "starts_at": "2027-02-01T16:00:00Z",
            "ends_at": "2027-02-01T15:00:00Z",
        },
        format="json",
    )
    assert response.status_code == BAD and "ends_at" in response.json()
    response = api_as("member").post(
        reverse("api:workshop-list"),
        {"programme": world.programme.pk, "template": "nope", "starts_at": "2027-02-01T16:00:00Z"},
        format="json",
    )
    assert response.status_code == BAD and "template" in response.json()


def test_changing_and_deleting_is_for_leads_and_members(api_as, world, workshop):
    url = reverse("api:workshop-detail", args=[workshop.pk])
    expected = {**READ, "stakeholder": FORBIDDEN}
    api_matrix(api_as, "patch", url, expected, {"title": "Neuer Titel", "dots_per_participant": 5})
    workshop.refresh_from_db()
    assert (workshop.title, workshop.dots_per_participant) == ("Neuer Titel", 5)
    assert api_as("stakeholder").delete(url).status_code == FORBIDDEN
    assert api_as("member").delete(url).status_code == NO_CONTENT


def test_agenda_participants_and_outputs_are_managed_through_nested_routes(api_as, world, workshop):
    api = api_as("member")
    kwargs = {"workshop_pk": workshop.pk}
    item = api.post(
        reverse("api:workshop-agenda-item-list", kwargs=kwargs),
        {"title": "Ideen", "minutes": 30},
        format="json",
    )
    assert item.status_code == CREATED
    assert item.json()["position"] == workshop.agenda.first().position + 1  # at the end
    order = [item.json()["id"], workshop.agenda.first().pk]
    reordered = api.post(
        reverse("api:workshop-agenda-reorder", args=[workshop.pk]), {"order": order}, format="json"
    )
    assert [i["id"] for i in reordered.json()] == order
    guest = api.post(
        reverse("api:workshop-participant-list", kwargs=kwargs),
        {"name": "Hanna", "email": "h@example.org"},
        format="json",
    )
    assert guest.status_code == CREATED and guest.json()["is_guest"] and "/w/" in guest.json()["guest_link"]
    member = api.post(
        reverse("api:workshop-participant-list", kwargs=kwargs),
        {"user": world.user("lead").pk},
        format="json",
    )
    assert member.status_code == CREATED and member.json()["guest_link"] == ""
    outsider = api.post(
        reverse("api:workshop-participant-list", kwargs=kwargs),
        {"user": world.user("other_lead").pk},
        format="json",
    )
    assert outsider.status_code == BAD
    idea = api.post(
        reverse("api:workshop-output-list", kwargs=kwargs), {"kind": "idea", "text": "WLAN"}, format="json"
    )
    assert idea.status_code == CREATED and idea.json()["votable"] is True
    # stakeholders read participants without e-mail addresses and without guest links
    listed = (
        api_as("stakeholder").get(reverse("api:workshop-participant-list", kwargs=kwargs)).json()["results"]
    )
    assert {p["email"] for p in listed} == {""} and {p["guest_link"] for p in listed} == {""}
    forbidden = api_as("stakeholder").post(
        reverse("api:workshop-output-list", kwargs=kwargs), {"kind": "idea", "text": "x"}, format="json"
    )
    assert forbidden.status_code == FORBIDDEN


def test_an_agenda_item_of_another_workshop_is_not_accepted(api_as, workshop):
    foreign = AgendaItemFactory()
    response = api_as("member").post(
        reverse("api:workshop-output-list", kwargs={"workshop_pk": workshop.pk}),
        {"kind": "idea", "text": "x", "agenda_item": foreign.pk},
        format="json",
    )
    assert response.status_code == BAD and "agenda_item" in response.json()


# --- Votes ------------------------------------------------------------------------------------------------------


def test_a_member_votes_as_themselves_and_cannot_exceed_the_dots(api_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    url = reverse("api:workshop-votes", args=[workshop.pk])
    api = api_as("member")
    response = api.post(url, {"output": idea.pk, "dots": 2}, format="json")
    assert response.status_code == CREATED
    assert response.json()["dots"] == 2 and response.json()["dots_left"] == 1
    response = api.post(url, {"output": idea.pk, "dots": 2}, format="json")
    assert response.status_code == BAD and "dots" in response.json()
    response = api.post(
        reverse("api:workshop-votes-remove", args=[workshop.pk]), {"output": idea.pk}, format="json"
    )
    assert response.status_code == OK and response.json()["dots"] == 1


def test_votes_follow_the_permission_matrix(api_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    expected = {**READ, "stakeholder": FORBIDDEN, "member": CREATED, "lead": CREATED, "org_admin": CREATED}
    api_matrix(
        api_as, "post", reverse("api:workshop-votes", args=[workshop.pk]), expected, {"output": idea.pk}
    )
    assert Vote.objects.filter(output=idea).count() == 3


def test_stuffing_through_the_api_fails(api_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    guest = GuestFactory(workshop=workshop)
    foreign_guest = GuestFactory()
    foreign_idea = IdeaFactory()
    url = reverse("api:workshop-votes", args=[workshop.pk])
    lead = api_as("lead")
    # a participant of another workshop
    assert (
        lead.post(url, {"output": idea.pk, "participant": foreign_guest.pk}, format="json").status_code == BAD
    )
    # an output of another workshop
    assert (
        lead.post(url, {"output": foreign_idea.pk, "participant": guest.pk}, format="json").status_code == BAD
    )
    # more than n dots at once, zero or negative dots
    for dots in (4, 0, -1, 21):
        assert (
            lead.post(
                url, {"output": idea.pk, "participant": guest.pk, "dots": dots}, format="json"
            ).status_code
            == BAD
        )
    # a stakeholder may not record dots for a guest
    ws.participant_add(workshop=workshop, user=world.user("stakeholder"))
    stakeholder = api_as("stakeholder")
    assert (
        stakeholder.post(url, {"output": idea.pk, "participant": guest.pk}, format="json").status_code
        == FORBIDDEN
    )
    assert stakeholder.post(url, {"output": idea.pk}, format="json").status_code == CREATED
    # nobody spends the dots of a participant with an account, not even a lead
    stakeholder_row = ws.participant_for_user(workshop=workshop, user=world.user("stakeholder"))
    assert (
        lead.post(url, {"output": idea.pk, "participant": stakeholder_row.pk}, format="json").status_code
        == FORBIDDEN
    )
    assert Vote.objects.filter(participant=stakeholder_row).count() == 1
    # a closed vote
    ws.workshop_set_voting(workshop=workshop, open=False)
    assert lead.post(url, {"output": idea.pk, "participant": guest.pk}, format="json").status_code == BAD
    assert not Vote.objects.filter(participant=guest).exists()


def test_results_are_summed_and_anonymous_results_name_nobody(api_as, world, workshop):
    a, b = IdeaFactory(workshop=workshop), IdeaFactory(workshop=workshop)
    first, second = GuestFactory(workshop=workshop), GuestFactory(workshop=workshop)
    ws.vote_cast(participant=first, output=b, dots=3)
    ws.vote_cast(participant=second, output=b)
    ws.vote_cast(participant=second, output=a)
    body = api_as("stakeholder").get(reverse("api:workshop-results", args=[workshop.pk])).json()
    assert [(r["output"], r["total_dots"]) for r in body["results"]] == [(b.pk, 4), (a.pk, 1)]
    assert body["dots_placed"] == 5
    assert {v["name"] for v in body["results"][0]["voters"]} == {first.name, second.name}
    workshop.anonymous_voting = True
    workshop.save()
    body = api_as("stakeholder").get(reverse("api:workshop-results", args=[workshop.pk])).json()
    assert all(r["voters"] == [] for r in body["results"])


def test_the_dots_cannot_drop_below_what_a_participant_placed_through_the_api(api_as, workshop):
    idea = IdeaFactory(workshop=workshop)
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=idea, dots=3)
    detail = reverse("api:workshop-detail", args=[workshop.pk])
    api = api_as("member")
    response = api.patch(detail, {"dots_per_participant": 2}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == BAD
    assert response.json()["dots_per_participant"] == [
        "A participant has already placed 3 dots, so each participant needs at least 3. "
        "Reset the vote first to give fewer dots."
    ]
    assert api.patch(detail, {"dots_per_participant": 4}, format="json").status_code == OK
    reset = reverse("api:workshop-votes-reset", args=[workshop.pk])
    response = api.post(reset, format="json")
    assert response.status_code == OK and response.json() == {"removed": 3}
    assert not Vote.objects.exists()
    response = api.patch(detail, {"dots_per_participant": 1}, format="json")
    assert response.status_code == OK and response.json()["dots_per_participant"] == 1


def test_resetting_the_vote_follows_the_permission_matrix(api_as, workshop):
    expected = {**READ, "stakeholder": FORBIDDEN, "member": OK, "lead": OK, "org_admin": OK}
    api_matrix(api_as, "post", reverse("api:workshop-votes-reset", args=[workshop.pk]), expected)


def test_an_anonymous_vote_with_dots_stays_anonymous_through_the_api(api_as, workshop):
    detail = reverse("api:workshop-detail", args=[workshop.pk])
    api = api_as("lead")
    body = api.patch(detail, {"anonymous_voting": True}, format="json").json()
    assert body["anonymous_voting"] is True and body["anonymity_locked"] is False
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=IdeaFactory(workshop=workshop))
    assert api.get(detail).json()["anonymity_locked"] is True
    response = api.patch(detail, {"anonymous_voting": False}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == BAD
    assert "stays anonymous" in response.json()["anonymous_voting"][0]
    # the lock is read only
    assert api.patch(detail, {"anonymity_locked": False}, format="json").json()["anonymity_locked"] is True
    assert Workshop.objects.get(pk=workshop.pk).anonymous_voting


def test_an_anonymous_vote_tells_the_api_totals_but_no_usage_per_person(api_as, workshop):
    workshop.anonymous_voting = True
    workshop.save()
    a, b = IdeaFactory(workshop=workshop), IdeaFactory(workshop=workshop)
    first, second = GuestFactory(workshop=workshop), GuestFactory(workshop=workshop)
    GuestFactory(workshop=workshop)
    ws.vote_cast(participant=first, output=a, dots=2)
    ws.vote_cast(participant=second, output=b)
    for role in ("lead", "stakeholder"):
        api = api_as(role)
        participants = api.get(
            reverse("api:workshop-participant-list", kwargs={"workshop_pk": workshop.pk})
        ).json()["results"]
        assert {p["dots_used"] for p in participants} == {None}
        body = api.get(reverse("api:workshop-results", args=[workshop.pk])).json()
        assert [(r["output"], r["total_dots"], r["voter_count"], r["voters"]) for r in body["results"]] == [
            (a.pk, 2, None, []),
            (b.pk, 1, None, []),
        ]
        assert (body["dots_placed"], body["dots_available"], body["participants"], body["voters"]) == (
            3,
            9,
            3,
            2,
        )
    # a participant asking for their own dots still gets them
    response = api_as("member").post(
        reverse("api:workshop-votes", args=[workshop.pk]), {"output": a.pk}, format="json"
    )
    assert response.json()["dots"] == 1 and response.json()["dots_left"] == 2


def test_guest_links_expire_and_are_renewed_or_withdrawn_through_the_api(api_as, world, workshop, settings):
    settings.WORKSHOP_GUEST_LINK_DAYS = 7
    guest = GuestFactory(workshop=workshop)
    detail = reverse("api:workshop-participant-detail", kwargs={"workshop_pk": workshop.pk, "pk": guest.pk})
    api = api_as("member")
    body = api.get(detail).json()
    first_link = body["guest_link"]
    assert body["guest_link_state"] == "active" and ws.guest_token(guest) in first_link
    assert body["guest_link_expires_at"].startswith((workshop.ends_at + timedelta(days=7)).date().isoformat())

    revoke = reverse(
        "api:workshop-participant-revoke-link", kwargs={"workshop_pk": workshop.pk, "pk": guest.pk}
    )
    renew = reverse(
        "api:workshop-participant-renew-link", kwargs={"workshop_pk": workshop.pk, "pk": guest.pk}
    )
    body = api.post(revoke, format="json").json()
    assert body["guest_link_state"] == "revoked" and body["guest_link"] == ""
    assert ws.guest_from_token(ws.guest_token(guest)) is None
    body = api.post(renew, format="json").json()
    assert body["guest_link_state"] == "active" and body["guest_link"] not in ("", first_link)

    member_row = ws.participant_add(workshop=workshop, user=world.user("lead"))
    member_renew = reverse(
        "api:workshop-participant-renew-link", kwargs={"workshop_pk": workshop.pk, "pk": member_row.pk}
    )
    response = api.post(member_renew, format="json")
    assert response.status_code == BAD and "participant" in response.json()
    assert (
        api.get(
            reverse(
                "api:workshop-participant-detail", kwargs={"workshop_pk": workshop.pk, "pk": member_row.pk}
            )
        ).json()["guest_link_state"]
        == ""
    )

    past = workshop.created_at - timedelta(days=8)  # the workshop ended eight days ago
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    body = api.get(detail).json()
    assert body["guest_link_state"] == "expired" and body["guest_link"] == ""


@pytest.mark.parametrize("action", ["renew-link", "revoke-link"])
def test_renewing_and_withdrawing_guest_links_follow_the_permission_matrix(api_as, workshop, action):
    guest = GuestFactory(workshop=workshop)
    name = f"api:workshop-participant-{action}"
    expected = {**READ, "stakeholder": FORBIDDEN, "member": OK, "lead": OK, "org_admin": OK}
    api_matrix(api_as, "post", reverse(name, kwargs={"workshop_pk": workshop.pk, "pk": guest.pk}), expected)


def test_voting_is_opened_by_editors(api_as, workshop):
    url = reverse("api:workshop-voting", args=[workshop.pk])
    assert api_as("stakeholder").post(url, {"open": False}, format="json").status_code == FORBIDDEN
    response = api_as("member").post(url, {"open": False}, format="json")
    assert response.status_code == OK and response.json()["voting_open"] is False


# --- Conversions ------------------------------------------------------------------------------------------------


def test_an_output_is_converted_once_through_the_api(api_as, world, workshop):
    idea = IdeaFactory(workshop=workshop, text="Stadtplan")
    url = reverse("api:workshop-output-convert", kwargs={"workshop_pk": workshop.pk, "pk": idea.pk})
    assert api_as("stakeholder").post(url, {"kind": "measure"}, format="json").status_code == FORBIDDEN
    assert api_as("member").post(url, {"kind": "poster"}, format="json").status_code == BAD
    response = api_as("member").post(url, {"kind": "measure", "title": "Digitaler Stadtplan"}, format="json")
    assert response.status_code == CREATED
    measure = Measure.objects.get(pk=response.json()["id"])
    assert measure.title == "Digitaler Stadtplan" and response.json()["url"].endswith(
        f"/measures/{measure.pk}/"
    )
    output = (
        api_as("stakeholder")
        .get(reverse("api:workshop-output-detail", kwargs={"workshop_pk": workshop.pk, "pk": idea.pk}))
        .json()
    )
    assert output["converted_kind"] == "measure" and output["converted_id"] == measure.pk
    assert output["converted_url"].endswith(f"/workshops/{workshop.pk}/outputs/{idea.pk}/target/")
    again = api_as("member").post(url, {"kind": "finding"}, format="json")
    assert again.status_code == BAD


def test_a_milestone_conversion_needs_a_measure(api_as, workshop):
    action = ws.output_add(workshop=workshop, kind="action", text="Daten anfragen")
    url = reverse("api:workshop-output-convert", kwargs={"workshop_pk": workshop.pk, "pk": action.pk})
    response = api_as("member").post(url, {"kind": "milestone"}, format="json")
    assert response.status_code == BAD and "measure" in response.json()
    assert WorkshopOutput.objects.get(pk=action.pk).converted_kind == ""


# --- Measures put to the vote ----------------------------------------------------------------------------------


def put_to_vote_url(workshop):
    return reverse("api:workshop-output-put-to-vote", kwargs={"workshop_pk": workshop.pk})


def test_putting_a_measure_to_the_vote_follows_the_permission_matrix(api_as, world, workshop):
    expected = {**READ, "stakeholder": FORBIDDEN, "member": CREATED, "lead": CREATED, "org_admin": CREATED}
    failures = []
    for role, status in expected.items():
        measure = concept_services.measure_create(programme=world.programme, title=f"Maßnahme {role}")
        response = api_as(role).post(
            put_to_vote_url(workshop), {"subject_kind": "measure", "subject_id": measure.pk}, format="json"
        )
        if response.status_code != status:
            failures.append(f"{role}: expected {status}, got {response.status_code}")
    assert not failures
    assert WorkshopOutput.objects.filter(kind="subject").count() == 3


def test_a_measure_put_to_the_vote_through_the_api_gets_dots_by_the_same_rules(api_as, world, workshop):
    measure = concept_services.measure_create(programme=world.programme, title="Digitale Stelen")
    api = api_as("member")
    response = api.post(
        put_to_vote_url(workshop), {"subject_kind": "measure", "subject_id": measure.pk}, format="json"
    )
    assert response.status_code == CREATED
    option = response.json()
    assert (option["kind"], option["subject_kind"], option["subject_id"], option["text"]) == (
        "subject",
        "measure",
        measure.pk,
        "Digitale Stelen",
    )
    assert option["subject_url"].endswith(f"/konzeption/measures/{measure.pk}/") and option["votable"]
    idea = IdeaFactory(workshop=workshop)
    votes = reverse("api:workshop-votes", args=[workshop.pk])
    assert api.post(votes, {"output": option["id"], "dots": 2}, format="json").status_code == CREATED
    response = api.post(votes, {"output": idea.pk, "dots": 2}, format="json")
    assert response.status_code == BAD and "dots" in response.json()  # 2 + 2 > 3
    body = api_as("stakeholder").get(reverse("api:workshop-results", args=[workshop.pk])).json()
    first = body["results"][0]
    assert (first["output"], first["kind"], first["total_dots"], first["text"]) == (
        option["id"],
        "subject",
        2,
        "Digitale Stelen",
    )
    assert first["subject_url"] == option["subject_url"] and first["subject_deleted"] is False
    # deleted in the programme: shown as such, no link, no more dots, but its dots can be taken off
    concept_services.measure_delete(measure=measure)
    body = api_as("stakeholder").get(reverse("api:workshop-results", args=[workshop.pk])).json()
    assert body["results"][0]["subject_deleted"] is True and body["results"][0]["subject_url"] == ""
    api = api_as("member")
    assert api.post(votes, {"output": option["id"]}, format="json").status_code == BAD
    removed = api.post(
        reverse("api:workshop-votes-remove", args=[workshop.pk]),
        {"output": option["id"], "dots": 2},
        format="json",
    )
    assert removed.status_code == OK and removed.json()["dots_left"] == 3


def test_only_the_programmes_own_measures_are_put_to_the_vote_once(api_as, world, workshop):
    own = concept_services.measure_create(programme=world.programme, title="Eigene")
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremde")
    api = api_as("lead")
    url = put_to_vote_url(workshop)
    for body, field in [
        ({"subject_kind": "measure", "subject_id": foreign.pk}, "subject_id"),
        ({"subject_kind": "measure", "subject_id": 0}, "subject_id"),
        ({"subject_kind": "measure", "subject_id": "x"}, "subject_id"),
        ({"subject_kind": "measure"}, "subject_id"),
        ({"subject_kind": "survey", "subject_id": own.pk}, "subject_kind"),
    ]:
        response = api.post(url, body, format="json")
        assert response.status_code == BAD and field in response.json(), body
    assert (
        api.post(url, {"subject_kind": "measure", "subject_id": own.pk}, format="json").status_code == CREATED
    )
    again = api.post(url, {"subject_kind": "measure", "subject_id": own.pk}, format="json")
    assert again.status_code == BAD and "subject_id" in again.json()
    # the other programme's lead does not even see the workshop
    response = api_as("other_lead").post(
        url, {"subject_kind": "measure", "subject_id": foreign.pk}, format="json"
    )
    assert response.status_code == NOT_FOUND
    # an option is not captured as an output, not changed to another text and not converted
    outputs = reverse("api:workshop-output-list", kwargs={"workshop_pk": workshop.pk})
    response = api.post(outputs, {"kind": "subject", "text": "Maßnahme"}, format="json")
    assert response.status_code == BAD and "kind" in response.json()
    option = WorkshopOutput.objects.get(kind="subject")
    detail = reverse("api:workshop-output-detail", kwargs={"workshop_pk": workshop.pk, "pk": option.pk})
    response = api.patch(detail, {"text": "Anders"}, format="json")
    assert response.status_code == BAD and "text" in response.json()
    assert api.patch(detail, {"votable": False}, format="json").status_code == OK
    convert = reverse("api:workshop-output-convert", kwargs={"workshop_pk": workshop.pk, "pk": option.pk})
    assert api.post(convert, {"kind": "finding"}, format="json").status_code == BAD
    assert api.delete(detail).status_code == NO_CONTENT
    assert Measure.objects.filter(pk=own.pk).exists()


# --- A conversion whose target was deleted ---------------------------------------------------------------------


def test_an_output_whose_finding_was_deleted_says_so_and_converts_again(api_as, world, workshop):
    idea = IdeaFactory(workshop=workshop, text="Parken ist schwer zu finden")
    api = api_as("member")
    convert = reverse("api:workshop-output-convert", kwargs={"workshop_pk": workshop.pk, "pk": idea.pk})
    first = api.post(convert, {"kind": "finding"}, format="json").json()
    detail = reverse("api:workshop-output-detail", kwargs={"workshop_pk": workshop.pk, "pk": idea.pk})
    assert api.get(detail).json()["target_deleted"] is False
    Finding.objects.filter(pk=first["id"]).delete()
    body = api.get(detail).json()
    assert body["target_deleted"] is True and body["converted_url"] == ""
    assert (body["converted_kind"], body["converted_id"]) == ("finding", first["id"])  # what it was
    second = api.post(convert, {"kind": "finding", "priority": "high"}, format="json")
    assert second.status_code == CREATED and second.json()["id"] != first["id"]
    body = api.get(detail).json()
    assert body["target_deleted"] is False and body["converted_id"] == second.json()["id"]
    assert body["converted_url"].endswith(f"/outputs/{idea.pk}/target/")


def test_moving_a_workshop_through_the_api_raises_its_calendar_sequence(api_as, workshop):
    url = reverse("api:workshop-detail", args=[workshop.pk])
    api = api_as("member")
    assert api.get(url).json()["calendar_sequence"] == 0
    assert api.patch(url, {"title": "Neu"}, format="json").json()["calendar_sequence"] == 0
    assert api.patch(url, {"place": "Bürgerhaus"}, format="json").json()["calendar_sequence"] == 1
    response = api.patch(url, {"calendar_sequence": 99}, format="json")  # read only
    assert response.json()["calendar_sequence"] == 1


# --- Query counts ------------------------------------------------------------------------------------------------


def fill(workshop, n):
    guests = [GuestFactory(workshop=workshop) for _ in range(n)]
    ideas = [IdeaFactory(workshop=workshop) for _ in range(n)]
    Vote.objects.bulk_create(
        [Vote(participant=g, output=i, dots=1) for g, i in zip(guests, ideas, strict=True)]
    )
    for _ in range(n):
        AgendaItemFactory(workshop=workshop)
    ws.output_convert(output=ideas[0], kind="measure", user=None)
    measures = [
        concept_services.measure_create(programme=workshop.programme, title=f"M {i}") for i in range(n)
    ]
    options = ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=[m.pk for m in measures])
    Vote.objects.bulk_create(
        [Vote(participant=g, output=o, dots=1) for g, o in zip(guests, options, strict=True)]
    )
    measures[-1].delete()


@pytest.mark.parametrize("n", [1, 50])
def test_lists_and_results_need_a_fixed_number_of_queries(api_as, world, django_assert_max_num_queries, n):
    workshops = [WorkshopFactory(programme=world.programme) for _ in range(n)]
    fill(workshops[0], n)
    api = api_as("member")
    kwargs = {"workshop_pk": workshops[0].pk}
    for url, limit in [
        (reverse("api:workshop-list"), 4),
        (reverse("api:workshop-results", args=[workshops[0].pk]), 5),
        (reverse("api:workshop-agenda-item-list", kwargs=kwargs), 6),
        (reverse("api:workshop-participant-list", kwargs=kwargs), 6),
        (reverse("api:workshop-output-list", kwargs=kwargs), 6),
    ]:
        with django_assert_max_num_queries(limit):
            assert api.get(url).status_code == OK, url
