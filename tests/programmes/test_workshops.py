"""Workshops: templates, agenda, outputs, dot voting rules (no stuffing), guest links, conversions, iCalendar."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from icalendar import Calendar

from concept import services as concept_services
from concept.models import Measure
from evaluation.models import Evidence, Finding
from programmes import workshops as ws
from programmes.models import Role, Vote, WorkshopOutput
from tests.programmes.factories import MembershipFactory
from tests.programmes.factories_workshops import (
    AgendaItemFactory,
    GuestFactory,
    IdeaFactory,
    WorkshopFactory,
)
from transformation.models import Milestone

START = timezone.make_aware(datetime(2026, 12, 3, 17, 0))


# --- Creating from templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "phase", "german", "english"),
    [
        (
            "e_visitor_needs",
            "evaluation",
            "Besucherbedürfnisse aus den Umfrageergebnissen",
            "Visitor needs from survey results",
        ),
        ("k_journey_walk", "konzeption", "Journey-Walk und Maßnahmenideen", "Journey walk and measure ideas"),
        (
            "t_retrospective",
            "transformation",
            "Retrospektive und Skalierungsentscheidung",
            "Retrospective and scaling decision",
        ),
    ],
)
def test_a_template_brings_phase_title_and_a_timed_agenda_in_both_languages(
    world, key, phase, german, english
):
    with translation.override("de"):
        workshop = ws.workshop_create(programme=world.programme, template=key, starts_at=START)
        assert str(ws.TEMPLATES[key].title) == german
    with translation.override("en"):
        assert str(ws.TEMPLATES[key].title) == english
    assert workshop.phase == phase
    assert workshop.title == german
    agenda = list(workshop.agenda.all())
    assert len(agenda) >= 4
    assert [item.position for item in agenda] == list(range(1, len(agenda) + 1))
    assert all(item.minutes > 0 for item in agenda)
    assert workshop.ends_at - workshop.starts_at == timedelta(minutes=sum(i.minutes for i in agenda))
    assert workshop.cycle == world.programme.cycle


def test_an_unknown_template_or_an_end_before_the_start_is_refused_per_field(world):
    with pytest.raises(ValidationError) as error:
        ws.workshop_create(programme=world.programme, template="nope", starts_at=START)
    assert "template" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ws.workshop_create(
            programme=world.programme, title="X", starts_at=START, ends_at=START - timedelta(hours=1)
        )
    assert "ends_at" in error.value.message_dict


def test_a_workshop_without_template_takes_the_programmes_phase_and_two_hours(world):
    workshop = ws.workshop_create(programme=world.programme, title="Jour fixe", starts_at=START)
    assert workshop.phase == world.programme.phase
    assert workshop.ends_at == START + timedelta(hours=2)
    assert not workshop.agenda.exists()


# --- Participants and agenda ----------------------------------------------------------------------------------


def test_members_take_part_by_account_and_guests_by_name(world):
    workshop = WorkshopFactory(programme=world.programme)
    member = ws.participant_add(workshop=workshop, user=world.user("member"))
    assert member.name and member.email == world.user("member").email
    guest = ws.participant_add(workshop=workshop, name="Hanna Vogel", organisation="Café am Markt")
    assert guest.user is None
    with pytest.raises(ValidationError):
        ws.participant_add(workshop=workshop, user=world.user("member"))  # twice
    with pytest.raises(ValidationError) as error:
        ws.participant_add(workshop=workshop, user=world.user("other_lead"))  # not in this programme
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ws.participant_add(workshop=workshop, name="  ")
    assert "name" in error.value.message_dict


def test_agenda_items_are_added_at_the_end_moved_reordered_and_renumbered(world):
    workshop = WorkshopFactory(programme=world.programme)
    a = ws.agenda_item_add(workshop=workshop, title="A", minutes=10)
    b = ws.agenda_item_add(workshop=workshop, title="B", minutes=20)
    c = ws.agenda_item_add(workshop=workshop, title="C", minutes=30)
    ws.agenda_item_move(item=c, direction="up")
    assert [i.title for i in workshop.agenda.all()] == ["A", "C", "B"]
    ws.agenda_reorder(workshop=workshop, order=[b.pk, a.pk, c.pk])
    assert [i.title for i in workshop.agenda.all()] == ["B", "A", "C"]
    with pytest.raises(ValidationError):
        ws.agenda_reorder(workshop=workshop, order=[a.pk, b.pk])
    ws.agenda_item_delete(item=a)
    assert [(i.title, i.position) for i in workshop.agenda.all()] == [("B", 1), ("C", 2)]
    with pytest.raises(ValidationError) as error:
        ws.agenda_item_add(workshop=workshop, title="Zu lang", minutes=0)
    assert "minutes" in error.value.message_dict


def test_ideas_are_votable_by_default_decisions_not_and_agenda_items_stay_in_their_workshop(world):
    workshop = WorkshopFactory(programme=world.programme)
    idea = ws.output_add(workshop=workshop, kind="idea", text="WLAN am Markt")
    decision = ws.output_add(workshop=workshop, kind="decision", text="Wir machen es")
    assert idea.votable and not decision.votable
    foreign_item = AgendaItemFactory()
    with pytest.raises(ValidationError) as error:
        ws.output_add(workshop=workshop, kind="idea", text="x", agenda_item=foreign_item)
    assert "agenda_item" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ws.output_add(workshop=workshop, kind="wish", text="x")
    assert "kind" in error.value.message_dict


# --- Dot voting ---------------------------------------------------------------------------------------------------


@pytest.fixture
def voting(world):
    workshop = WorkshopFactory(programme=world.programme, dots_per_participant=3, voting_open=True)
    guest = GuestFactory(workshop=workshop)
    ideas = [IdeaFactory(workshop=workshop) for _ in range(3)]
    return workshop, guest, ideas


def test_a_participant_may_stack_dots_but_never_more_than_n(voting):
    _workshop, guest, (a, b, _c) = voting
    ws.vote_cast(participant=guest, output=a, dots=2)
    ws.vote_cast(participant=guest, output=a)
    assert Vote.objects.get(participant=guest, output=a).dots == 3
    with pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=guest, output=b)
    assert "dots" in error.value.message_dict
    ws.vote_remove(participant=guest, output=a)
    ws.vote_cast(participant=guest, output=b)
    assert dict(Vote.objects.filter(participant=guest).values_list("output_id", "dots")) == {a.pk: 2, b.pk: 1}


def test_one_request_cannot_place_more_dots_than_the_participant_has(voting):
    _workshop, guest, (a, _b, _c) = voting
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=guest, output=a, dots=4)
    for dots in (0, -1, True):
        with pytest.raises(ValidationError):
            ws.vote_cast(participant=guest, output=a, dots=dots)
    assert not Vote.objects.exists()


def test_voting_on_another_workshops_output_is_refused(voting):
    _workshop, guest, _ideas = voting
    foreign = IdeaFactory()  # another workshop (another programme)
    with pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=guest, output=foreign)
    assert "output" in error.value.message_dict
    assert not Vote.objects.exists()


def test_voting_is_refused_while_closed_and_on_outputs_not_open_for_voting(voting):
    workshop, guest, (a, _b, _c) = voting
    decision = ws.output_add(workshop=workshop, kind="decision", text="Beschluss")
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=guest, output=decision)
    ws.workshop_set_voting(workshop=workshop, open=False)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=guest, output=a)
    assert error.value.message_dict == {"output": ["Voting is closed."]}
    assert not Vote.objects.exists()


def test_a_forged_or_removed_participant_cannot_vote(voting):
    _workshop, guest, (a, _b, _c) = voting
    other_guest = GuestFactory()  # a participant of another workshop
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=other_guest, output=a)
    ghost = GuestFactory.build(workshop=a.workshop, pk=987654)  # never saved
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=ghost, output=a)
    ws.participant_remove(participant=guest)
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=guest, output=a)
    assert not Vote.objects.exists()


def test_removing_a_dot_that_was_never_placed_is_refused(voting):
    _workshop, guest, (a, _b, _c) = voting
    with pytest.raises(ValidationError):
        ws.vote_remove(participant=guest, output=a)


def test_results_sum_dots_per_output_in_the_database_and_anonymous_voting_hides_who(voting):
    workshop, guest, (a, b, c) = voting
    second = GuestFactory(workshop=workshop)
    ws.vote_cast(participant=guest, output=b, dots=2)
    ws.vote_cast(participant=second, output=b)
    ws.vote_cast(participant=second, output=a, dots=2)
    results = list(ws.workshop_results(workshop))
    assert [(o.pk, o.total_dots, o.voter_count) for o in results] == [
        (b.pk, 3, 2),
        (a.pk, 2, 1),
        (c.pk, 0, 0),
    ]
    assert {v.participant.name for v in ws.votes_by_output(workshop)[b.pk]} == {guest.name, second.name}
    workshop.anonymous_voting = True
    workshop.save()
    assert ws.votes_by_output(workshop) == {}


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_of_one_participant_cannot_stuff_the_vote():
    """Eight threads each try to place two dots at once; the row lock lets at most three dots through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    workshop = WorkshopFactory(dots_per_participant=3)
    guest = GuestFactory(workshop=workshop)
    ideas = [IdeaFactory(workshop=workshop) for _ in range(4)]
    outcomes = _place_dots_at_once(guest, ideas)
    placed = sum(Vote.objects.filter(participant=guest).values_list("dots", flat=True))
    assert placed <= 3
    assert "refused" in outcomes


# --- Changing the rules after dots were placed ----------------------------------------------------------------------


def test_the_dots_cannot_drop_below_what_the_busiest_participant_has_placed(voting):
    workshop, guest, (a, b, _c) = voting
    workshop = ws.workshop_update(workshop=workshop, dots_per_participant=5)
    ws.vote_cast(participant=guest, output=a, dots=3)
    ws.vote_cast(participant=guest, output=b)
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=a, dots=2)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ws.workshop_update(workshop=workshop, dots_per_participant=3, title="Neuer Titel")
    assert error.value.message_dict == {
        "dots_per_participant": [
            "A participant has already placed 4 dots, so each participant needs at least 4. "
            "Reset the vote first to give fewer dots."
        ]
    }
    workshop.refresh_from_db()
    assert workshop.dots_per_participant == 5 and workshop.title != "Neuer Titel"
    ws.workshop_update(workshop=workshop, dots_per_participant=4)  # exactly what the busiest one placed
    assert workshop.dots_per_participant == 4
    with pytest.raises(ValidationError):
        ws.vote_cast(participant=guest, output=b)  # and that participant has no dot left
    assert ws.workshop_reset_votes(workshop=workshop) == 6
    assert not Vote.objects.exists()
    ws.workshop_update(workshop=workshop, dots_per_participant=1)
    workshop.refresh_from_db()
    assert workshop.dots_per_participant == 1


def test_raising_the_dots_or_lowering_them_before_anyone_voted_is_fine(voting):
    workshop, guest, (a, _b, _c) = voting
    ws.workshop_update(workshop=workshop, dots_per_participant=1)
    ws.vote_cast(participant=guest, output=a)
    ws.workshop_update(workshop=workshop, dots_per_participant=10)
    ws.vote_cast(participant=guest, output=a, dots=9)
    assert Vote.objects.get(participant=guest).dots == 10


def test_once_a_dot_is_placed_anonymously_anonymity_cannot_be_switched_off(voting):
    workshop, guest, (a, _b, _c) = voting
    ws.workshop_update(workshop=workshop, anonymous_voting=True)
    ws.workshop_update(workshop=workshop, anonymous_voting=False)  # nobody voted yet: still free to change
    ws.workshop_update(workshop=workshop, anonymous_voting=True)
    stale = type(workshop).objects.get(pk=workshop.pk)  # e.g. a form opened before the first dot
    ws.vote_cast(participant=guest, output=a)
    workshop.refresh_from_db()
    assert workshop.anonymity_locked
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ws.workshop_update(workshop=stale, anonymous_voting=False)
    assert error.value.message_dict == {
        "anonymous_voting": [
            "Dots have already been placed anonymously, so the voting stays anonymous: "
            "switching it off would reveal who voted what."
        ]
    }
    # irreversible: not after the dot is taken off again, not after a reset, and saving a stale copy of the
    # workshop does not undo the lock either
    ws.vote_remove(participant=guest, output=a)
    ws.workshop_update(workshop=stale, title="Anderer Titel")
    ws.workshop_reset_votes(workshop=workshop)
    with pytest.raises(ValidationError):
        ws.workshop_update(workshop=workshop, anonymous_voting=False)
    workshop.refresh_from_db()
    assert workshop.anonymous_voting and workshop.anonymity_locked and workshop.title == "Anderer Titel"


def test_anonymity_may_be_switched_on_after_votes_and_then_stays(voting):
    workshop, guest, (a, _b, _c) = voting
    ws.vote_cast(participant=guest, output=a)  # a named vote
    ws.workshop_update(workshop=workshop, anonymous_voting=True)
    assert ws.votes_by_output(workshop) == {}
    with pytest.raises(ValidationError) as error:
        ws.workshop_update(workshop=workshop, anonymous_voting=False)
    assert "anonymous_voting" in error.value.message_dict


def test_an_anonymous_vote_gives_totals_per_output_but_no_usage_per_person(voting):
    workshop, guest, (a, b, _c) = voting
    second = GuestFactory(workshop=workshop)
    GuestFactory(workshop=workshop)  # takes part, has not voted
    ws.workshop_update(workshop=workshop, anonymous_voting=True)
    ws.vote_cast(participant=guest, output=a, dots=2)
    ws.vote_cast(participant=second, output=b)
    assert {p.dots_used for p in ws.participants_for(workshop)} == {None}
    assert [(o.pk, o.total_dots, o.voter_count) for o in ws.workshop_results(workshop)][:2] == [
        (a.pk, 2, None),
        (b.pk, 1, None),
    ]
    progress = ws.voting_progress(workshop, participant_count=3)
    assert progress == {"dots_placed": 3, "dots_available": 9, "voters": 2, "participant_count": 3}
    # a participant still sees their own dots
    assert ws.participant_dots(guest) == {a.pk: 2}


@pytest.mark.django_db(transaction=True)
def test_lowering_the_dots_while_a_dot_is_placed_never_leaves_a_participant_above_the_limit():
    """A dot and a change of the dots race; whichever wins, nobody ends up with more dots than allowed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    for _round in range(5):
        workshop = WorkshopFactory(dots_per_participant=3)
        guest = GuestFactory(workshop=workshop)
        idea = IdeaFactory(workshop=workshop)
        ws.vote_cast(participant=guest, output=idea, dots=2)
        barrier = threading.Barrier(2)

        def place(guest=guest, idea=idea, barrier=barrier):
            _race(barrier, lambda: ws.vote_cast(participant=guest, output=idea))

        def lower(workshop=workshop, barrier=barrier):
            _race(barrier, lambda: ws.workshop_update(workshop=workshop, dots_per_participant=2))

        _run_together(place, lower)
        workshop.refresh_from_db()
        used = sum(Vote.objects.filter(participant=guest).values_list("dots", flat=True))
        assert used <= workshop.dots_per_participant


@pytest.mark.django_db(transaction=True)
def test_switching_anonymity_off_while_a_dot_is_placed_never_reveals_an_anonymous_dot():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    for _round in range(5):
        workshop = WorkshopFactory(anonymous_voting=True)
        guest = GuestFactory(workshop=workshop)
        idea = IdeaFactory(workshop=workshop)
        barrier = threading.Barrier(2)

        def place(guest=guest, idea=idea, barrier=barrier):
            _race(barrier, lambda: ws.vote_cast(participant=guest, output=idea))

        def switch_off(workshop=workshop, barrier=barrier):
            _race(barrier, lambda: ws.workshop_update(workshop=workshop, anonymous_voting=False))

        _run_together(place, switch_off)
        workshop.refresh_from_db()
        # either the switch came first (the dot was placed in a named vote) or the vote stayed anonymous
        assert workshop.anonymous_voting or not workshop.anonymity_locked
        assert Vote.objects.filter(participant=guest).exists()


def _race(barrier, work) -> str:
    """Run ``work`` in this thread as soon as every thread is at the barrier: "ok", or "refused" by a service."""
    from django.db import connection as thread_connection

    try:
        barrier.wait(timeout=10)
        work()
        return "ok"
    except ValidationError:
        return "refused"
    finally:
        thread_connection.close()


def _run_together(*targets) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _place_dots_at_once(guest, options, *, attempts: int = 8) -> list[str]:
    """``attempts`` requests of one participant at the same moment, each placing one or two dots on the options
    in turn; the outcome of each."""
    barrier = threading.Barrier(attempts)
    outcomes = []

    def attempt(index):
        option = options[index % len(options)]
        outcomes.append(
            _race(barrier, lambda: ws.vote_cast(participant=guest, output=option, dots=1 + index % 2))
        )

    _run_together(*(lambda index=index: attempt(index) for index in range(attempts)))
    return outcomes


# --- Guest links --------------------------------------------------------------------------------------------------


def test_a_guest_link_finds_its_guest_and_a_tampered_or_foreign_link_finds_nobody(world):
    from django.core import signing

    guest = GuestFactory(workshop=WorkshopFactory(programme=world.programme))
    token = ws.guest_token(guest)
    assert ws.guest_from_token(token) == guest
    import re

    assert re.fullmatch(r"[A-Za-z0-9_-]{1,128}", token)
    assert ws.guest_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert ws.guest_from_token("not-a-token") is None
    # signed with another salt (e.g. another feature's token) → nobody
    import base64

    other = signing.dumps({"w": guest.workshop_id, "p": guest.pk}, salt="something-else")
    assert ws.guest_from_token(base64.urlsafe_b64encode(other.encode()).decode().rstrip("=")) is None
    # the participant moved to another workshop id in the payload → nobody
    forged = signing.dumps({"w": guest.workshop_id + 1, "p": guest.pk}, salt=ws.GUEST_SALT)
    assert ws.guest_from_token(base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")) is None
    # a member's participant row has no guest link
    member = ws.participant_add(workshop=guest.workshop, user=world.user("member"))
    assert ws.guest_from_token(ws.guest_token(member)) is None


def test_a_guest_link_stops_working_some_days_after_the_workshop_ends(world, settings):
    settings.WORKSHOP_GUEST_LINK_DAYS = 7
    workshop = WorkshopFactory(programme=world.programme, starts_at=START, ends_at=START + timedelta(hours=2))
    guest = GuestFactory(workshop=workshop)
    token = ws.guest_token(guest)
    assert ws.guest_link_expires_at(workshop) == START + timedelta(hours=2, days=7)
    last_minute = START + timedelta(hours=2, days=7) - timedelta(minutes=1)
    assert ws.guest_link_resolve(token, now=last_minute).state == ws.GuestLinkState.ACTIVE
    expired = ws.guest_link_resolve(token, now=START + timedelta(hours=2, days=7))
    assert expired.state == ws.GuestLinkState.EXPIRED and expired.participant == guest
    assert not expired.usable
    settings.WORKSHOP_GUEST_LINK_DAYS = 30
    assert ws.guest_link_resolve(token, now=START + timedelta(days=8)).usable


def test_a_past_workshops_guest_link_no_longer_finds_its_guest_until_the_workshop_moves(world):
    past = timezone.now() - timedelta(days=30)
    workshop = WorkshopFactory(programme=world.programme, starts_at=past, ends_at=past + timedelta(hours=2))
    guest = GuestFactory(workshop=workshop)
    token = ws.guest_token(guest)
    assert ws.guest_from_token(token) is None
    ws.workshop_update(
        workshop=workshop, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1)
    )
    assert ws.guest_from_token(token) == guest


def test_a_withdrawn_link_stops_working_and_a_new_link_replaces_the_old_one(world):
    guest = GuestFactory(workshop=WorkshopFactory(programme=world.programme))
    first = ws.guest_token(guest)
    ws.guest_link_revoke(participant=guest)
    assert ws.guest_link_resolve(first).state == ws.GuestLinkState.REVOKED
    assert ws.guest_from_token(first) is None
    ws.guest_link_renew(participant=guest)
    second = ws.guest_token(guest)
    assert second != first
    assert ws.guest_from_token(second) == guest
    assert ws.guest_link_resolve(first).state == ws.GuestLinkState.REVOKED  # the old link stays dead
    ws.guest_link_renew(participant=guest)
    assert ws.guest_from_token(second) is None and ws.guest_from_token(ws.guest_token(guest)) == guest


def test_only_guests_have_links_to_renew_or_withdraw(world):
    workshop = WorkshopFactory(programme=world.programme)
    member = ws.participant_add(workshop=workshop, user=world.user("member"))
    for change in (ws.guest_link_renew, ws.guest_link_revoke):
        with pytest.raises(ValidationError) as error:
            change(participant=member)
        assert "participant" in error.value.message_dict


# --- Conversions ----------------------------------------------------------------------------------------------------


def test_the_three_phase_apps_register_their_conversions():
    assert {c.kind for c in ws.workshop_conversions.all()} >= {"finding", "measure", "milestone"}


def test_an_idea_becomes_a_measure_that_keeps_the_dots_and_points_back(voting, world):
    workshop, guest, (a, _b, _c) = voting
    ws.vote_cast(participant=guest, output=a, dots=2)
    measure = ws.output_convert(output=a, kind="measure", user=world.user("member"))
    assert isinstance(measure, Measure)
    assert measure.programme == world.programme and measure.vote_count == 2
    assert workshop.title in measure.description
    a.refresh_from_db()
    assert (a.converted_kind, a.converted_id) == ("measure", measure.pk)
    assert a.converted_at is not None
    assert ws.output_target_url(a).endswith(f"/konzeption/measures/{measure.pk}/")
    with pytest.raises(ValidationError):
        ws.output_convert(output=a, kind="finding", user=world.user("member"))
    assert Finding.objects.count() == 0


def test_an_idea_becomes_a_finding_with_the_workshop_as_evidence(voting, world):
    workshop, _guest, (a, _b, _c) = voting
    finding = ws.output_convert(output=a, kind="finding", user=world.user("member"), priority="high")
    assert finding.statement == a.text and finding.priority == "high"
    evidence = finding.evidence.get()
    assert evidence.kind == Evidence.Kind.WORKSHOP
    assert evidence.snapshot["workshop_id"] == workshop.pk and evidence.snapshot["output_id"] == a.pk
    assert workshop.title in evidence.label
    assert f"/findings/{finding.pk}/" in ws.output_target_url(WorkshopOutput.objects.get(pk=a.pk))


def test_an_action_item_becomes_a_milestone_of_a_measure_in_implementation(world):
    workshop = WorkshopFactory(programme=world.programme)
    action = ws.output_add(
        workshop=workshop,
        kind="action",
        text="Daten beim Tiefbauamt anfragen",
        owner="Jonas",
        due=date(2027, 1, 15),
    )
    measure = concept_services.measure_create(programme=world.programme, title="Stadtplan")
    Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.IMPLEMENTATION)
    measure.refresh_from_db()
    milestone = ws.output_convert(
        output=action, kind="milestone", user=world.user("member"), measure=measure, start=date(2027, 1, 1)
    )
    assert isinstance(milestone, Milestone)
    assert (milestone.measure, milestone.owner, milestone.due) == (measure, "Jonas", date(2027, 1, 15))
    assert f"/plan/{measure.pk}/milestones/{milestone.pk}/" in ws.output_target_url(
        WorkshopOutput.objects.get(pk=action.pk)
    )


def test_a_milestone_needs_a_measure_of_the_same_programme_and_nothing_is_kept_on_failure(world):
    workshop = WorkshopFactory(programme=world.programme)
    action = ws.output_add(workshop=workshop, kind="action", text="Etwas tun")
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremd")
    with pytest.raises(ValidationError) as error:
        ws.output_convert(output=action, kind="milestone", user=None, measure=foreign)
    assert "measure" in error.value.message_dict
    idea_measure = concept_services.measure_create(programme=world.programme, title="Noch eine Idee")
    with pytest.raises(ValidationError):  # not in implementation
        ws.output_convert(output=action, kind="milestone", user=None, measure=idea_measure)
    action.refresh_from_db()
    assert action.converted_kind == "" and not Milestone.objects.exists()


def test_an_unknown_conversion_is_refused(voting):
    _workshop, _guest, (a, _b, _c) = voting
    with pytest.raises(ValidationError):
        ws.output_convert(output=a, kind="business_case", user=None)


def test_a_conversion_registered_by_another_app_is_used_without_the_hub_knowing_it(voting, monkeypatch):
    _workshop, _guest, (a, _b, _c) = voting
    created = []

    class Target:
        pk = 4711

    def convert(output, user, **data):
        created.append((output.pk, data))
        return Target()

    monkeypatch.setattr(ws.workshop_conversions, "_conversions", dict(ws.workshop_conversions._conversions))
    ws.workshop_conversions.register("poster", "poster", convert, url=lambda programme, pk: f"/poster/{pk}/")
    ws.output_convert(output=a, kind="poster", user=None, colour="red")
    assert created == [(a.pk, {"colour": "red"})]
    assert ws.output_target_url(a) == "/poster/4711/"


# --- Measures of the programme put to the vote ---------------------------------------------------------------------


@pytest.fixture
def measures(world):
    return [
        concept_services.measure_create(programme=world.programme, title=title)
        for title in ("Digitale Stelen", "Parkleitsystem")
    ]


def test_measures_of_the_programme_are_put_to_the_vote_next_to_the_ideas(voting, measures):
    workshop, guest, (a, _b, _c) = voting
    stelen, parken = measures
    options = ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=[stelen.pk, parken.pk])
    assert [(o.kind, o.subject_kind, o.subject_id, o.text, o.votable) for o in options] == [
        ("subject", "measure", stelen.pk, "Digitale Stelen", True),
        ("subject", "measure", parken.pk, "Parkleitsystem", True),
    ]
    ws.vote_cast(participant=guest, output=options[1], dots=2)
    ws.vote_cast(participant=guest, output=a)
    results = list(ws.workshop_results(workshop))
    assert [(o.pk, o.total_dots, o.display_text) for o in results[:2]] == [
        (options[1].pk, 2, "Parkleitsystem"),
        (a.pk, 1, a.text),
    ]
    assert ws.subject_url(results[0], workshop.programme).endswith(f"/konzeption/measures/{parken.pk}/")


def test_dots_on_measures_and_ideas_come_from_the_same_n_dots(voting, measures):
    workshop, guest, (a, _b, _c) = voting
    option = ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measures[0].pk)
    ws.vote_cast(participant=guest, output=a, dots=2)
    ws.vote_cast(participant=guest, output=option)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=guest, output=option)
    assert error.value.message_dict == {"dots": ["Only 0 of 3 dots are left."]}
    ws.workshop_set_voting(workshop=workshop, open=False)
    with pytest.raises(ValidationError):
        ws.vote_remove(participant=guest, output=option)  # closed is closed, for measures too
    foreign_workshop = WorkshopFactory(programme=workshop.programme)
    foreign_guest = GuestFactory(workshop=foreign_workshop)
    with pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=foreign_guest, output=option)  # another workshop's option
    assert "output" in error.value.message_dict
    assert sum(Vote.objects.values_list("dots", flat=True)) == 3


def test_another_programmes_measure_an_unknown_kind_or_a_measure_twice_is_refused(voting, measures, world):
    workshop, _guest, _ideas = voting
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremde Maßnahme")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=[measures[0].pk, foreign.pk])
    assert error.value.message_dict == {"subject_id": ["Choose from the measures of this programme."]}
    assert not WorkshopOutput.objects.filter(kind="subject").exists()  # all or nothing
    for ids in ([987654321], [], ["1"], [True], [2**63]):
        with pytest.raises(ValidationError) as error:
            ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=ids)
        assert "subject_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ws.subject_put_to_vote(workshop=workshop, kind="survey", object_id=measures[0].pk)
    assert "subject_kind" in error.value.message_dict
    ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measures[0].pk)
    for ids in ([measures[0].pk], [measures[1].pk, measures[1].pk]):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=ids)
        assert "is already put to the vote" in error.value.message_dict["subject_id"][0]
    assert WorkshopOutput.objects.filter(kind="subject").count() == 1


def test_an_option_keeps_its_title_from_the_programme_and_is_never_converted(voting, measures, world):
    workshop, _guest, _ideas = voting
    option = ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measures[0].pk)
    with pytest.raises(ValidationError) as error:
        ws.output_update(output=option, text="Anders", owner="Jonas")
    assert set(error.value.message_dict) == {"text", "owner"}
    ws.output_update(output=option, kind="subject", text=option.text, votable=False)  # a PUT of the same
    option.refresh_from_db()
    assert not option.votable and option.text == "Digitale Stelen"
    with pytest.raises(ValidationError):
        ws.output_convert(output=option, kind="finding", user=world.user("member"))
    with pytest.raises(ValidationError) as error:
        ws.output_add(workshop=workshop, kind="subject", text="Maßnahme")
    assert "kind" in error.value.message_dict
    idea = IdeaFactory(workshop=workshop)
    with pytest.raises(ValidationError):
        ws.output_update(output=idea, kind="subject")
    # a renamed measure shows its new name
    Measure.objects.filter(pk=measures[0].pk).update(title="Digitale Info-Stelen")
    shown = ws.outputs_with_dots(workshop).get(pk=option.pk)
    assert shown.display_text == "Digitale Info-Stelen" and not shown.subject_deleted


def test_a_deleted_measure_takes_no_more_dots_but_gives_its_dots_back(voting, measures):
    workshop, guest, _ideas = voting
    option = ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measures[0].pk)
    ws.vote_cast(participant=guest, output=option, dots=2)
    concept_services.measure_delete(measure=measures[0])
    shown = ws.outputs_with_dots(workshop).get(pk=option.pk)
    assert shown.subject_deleted and shown.display_text == "Digitale Stelen"  # the title it had
    assert ws.subject_url(shown, workshop.programme) == ""
    with pytest.raises(ValidationError) as error:
        ws.vote_cast(participant=guest, output=option)
    assert "output" in error.value.message_dict
    ws.vote_remove(participant=guest, output=option, dots=2)
    assert not Vote.objects.exists()


def test_the_hub_puts_to_the_vote_whatever_a_phase_app_registers(voting, world, monkeypatch):
    """The hub knows votable objects only through the registry (here: findings, registered by a test)."""
    workshop, guest, _ideas = voting
    finding = Finding.objects.create(programme=world.programme, statement="Parken ist schwer zu finden")
    monkeypatch.setattr(ws.votable_objects, "_kinds", dict(ws.votable_objects._kinds))
    ws.votable_objects.register(
        "finding",
        "finding",
        "findings",
        objects=lambda programme: Finding.objects.filter(programme=programme),
        title_field="statement",
    )
    option = ws.subject_put_to_vote(workshop=workshop, kind="finding", object_id=finding.pk)
    ws.vote_cast(participant=guest, output=option)
    assert ws.workshop_results(workshop).get(pk=option.pk).display_text == "Parken ist schwer zu finden"
    assert ws.votable_objects.get("finding").offered(world.programme) == [
        (finding.pk, "Parken ist schwer zu finden")
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_dots_on_measures_and_ideas_cannot_stuff_the_vote():
    """Eight threads place dots at once, half on measures put to the vote, half on ideas: at most n get through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    workshop = WorkshopFactory(dots_per_participant=3)
    guest = GuestFactory(workshop=workshop)
    measures = [
        concept_services.measure_create(programme=workshop.programme, title=f"Maßnahme {n}") for n in range(2)
    ]
    options = ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=[m.pk for m in measures])
    options += [IdeaFactory(workshop=workshop) for _ in range(2)]
    outcomes = _place_dots_at_once(guest, options)
    assert sum(Vote.objects.filter(participant=guest).values_list("dots", flat=True)) <= 3
    assert "refused" in outcomes


# --- A conversion whose target was deleted --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["measure", "finding", "milestone"])
def test_an_output_whose_target_was_deleted_is_no_longer_converted_and_converts_again(world, kind):
    workshop = WorkshopFactory(programme=world.programme)
    output = ws.output_add(workshop=workshop, kind="action", text="Stadtplan", due=date(2027, 2, 1))
    extra = {}
    if kind == "milestone":
        measure = concept_services.measure_create(programme=world.programme, title="Umsetzung")
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.IMPLEMENTATION)
        extra = {"measure": Measure.objects.get(pk=measure.pk), "start": date(2027, 1, 1)}
    first = ws.output_convert(output=output, kind=kind, user=world.user("member"), **extra)
    shown = ws.outputs_with_dots(workshop).get(pk=output.pk)
    assert shown.is_converted and not shown.conversion_target_deleted
    with pytest.raises(ValidationError):  # converted once while the target exists
        ws.output_convert(output=output, kind=kind, user=world.user("member"), **extra)

    type(first).objects.filter(pk=first.pk).delete()
    shown = ws.outputs_with_dots(workshop).get(pk=output.pk)
    assert not shown.is_converted and shown.conversion_target_deleted
    assert ws.output_target_url(WorkshopOutput.objects.get(pk=output.pk)) is None  # no dead link

    second = ws.output_convert(output=output, kind=kind, user=world.user("member"), **extra)
    assert second.pk != first.pk
    output.refresh_from_db()
    assert (output.converted_kind, output.converted_id) == (kind, second.pk)
    shown = ws.outputs_with_dots(workshop).get(pk=output.pk)
    assert shown.is_converted and ws.output_target_url(output)


def test_a_converted_output_whose_measure_was_deleted_can_become_something_else(voting, world):
    _workshop, _guest, (a, _b, _c) = voting
    measure = ws.output_convert(output=a, kind="measure", user=world.user("member"))
    concept_services.measure_delete(measure=measure)
    finding = ws.output_convert(output=a, kind="finding", user=world.user("member"))
    a.refresh_from_db()
    assert (a.converted_kind, a.converted_id) == ("finding", finding.pk)


# --- iCalendar --------------------------------------------------------------------------------------------------------


def test_the_invitation_parses_as_icalendar_with_times_in_utc_and_the_agenda(world, settings):
    settings.SITE_URL = "https://stadtlotse.example"
    workshop = ws.workshop_create(
        programme=world.programme,
        template="k_journey_walk",
        starts_at=START,
        place="Rathaus, Saal 2",
        facilitator="Petra Lehmann",
    )
    member = ws.participant_add(workshop=workshop, user=world.user("member"))
    ws.participant_add(workshop=workshop, name="Gast", email="gast@example.org")
    body = ws.workshop_ics(
        workshop,
        agenda=list(workshop.agenda.all()),
        attendees=list(workshop.participants.all()),
        url="https://example.org/w",
    )
    calendar = Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "REQUEST"  # an invitation names its attendees
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"workshop-{workshop.pk}@stadtlotse.example"  # the host of SITE_URL
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event["DTSTART"].dt == START.astimezone(UTC)
    assert event["DTEND"].dt == workshop.ends_at.astimezone(UTC)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert str(event["SUMMARY"]) == workshop.title
    assert str(event["LOCATION"]) == "Rathaus, Saal 2"
    description = str(event["DESCRIPTION"])
    for item in workshop.agenda.all():
        assert item.title in description
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{member.email}"]  # guests' addresses stay out


def test_an_online_workshop_has_its_link_as_location(world):
    workshop = WorkshopFactory(programme=world.programme, place="", online_url="https://meet.example.org/x")
    event = Calendar.from_ical(ws.workshop_ics(workshop, agenda=[], url="https://example.org")).walk(
        "VEVENT"
    )[0]
    assert str(event["LOCATION"]) == "https://meet.example.org/x"


def test_the_sequence_rises_when_date_time_or_place_change_and_the_uid_stays(world, settings):
    settings.SITE_URL = "https://stadtlotse.example:8443"
    workshop = ws.workshop_create(programme=world.programme, title="Jour fixe", starts_at=START)

    def event():
        return Calendar.from_ical(ws.workshop_ics(workshop, agenda=[], url="https://example.org")).walk(
            "VEVENT"
        )[0]

    first = event()
    assert first["SEQUENCE"] == 0 and str(first["UID"]) == f"workshop-{workshop.pk}@stadtlotse.example"
    ws.workshop_update(workshop=workshop, title="Jour fixe Innenstadt", dots_per_participant=5)
    assert event()["SEQUENCE"] == 0  # not a new date, time or place
    changes = [
        {"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=2)},
        {"ends_at": START + timedelta(days=1, hours=3)},
        {"place": "Bürgerhaus"},
        {"online_url": "https://meet.example.org/jf"},
    ]
    for expected, change in enumerate(changes, start=1):
        ws.workshop_update(workshop=workshop, **change)
        workshop.refresh_from_db()
        assert workshop.calendar_sequence == expected
        moved = event()
        assert moved["SEQUENCE"] == expected and str(moved["UID"]) == str(first["UID"])
    assert moved["DTSTART"].dt == (START + timedelta(days=1)).astimezone(UTC)
    assert str(moved["LOCATION"]) == "Bürgerhaus"
    ws.workshop_update(workshop=workshop, place="Bürgerhaus")  # the same place again: no new version
    workshop.refresh_from_db()
    assert workshop.calendar_sequence == 4
    with pytest.raises(ValidationError):  # a refused change raises nothing
        ws.workshop_update(workshop=workshop, place="Rathaus", ends_at=START)
    workshop.refresh_from_db()
    assert workshop.calendar_sequence == 4


def test_a_calendar_entry_without_attendees_is_published_and_names_nobody(world):
    workshop = WorkshopFactory(programme=world.programme)
    ws.participant_add(workshop=workshop, user=world.user("member"))
    guest_only = ws.participant_add(workshop=workshop, name="Gast", email="gast@example.org")
    for attendees in ([], [guest_only]):  # guests' addresses never count as attendees
        calendar = Calendar.from_ical(
            ws.workshop_ics(workshop, agenda=[], attendees=attendees, url="https://example.org")
        )
        assert str(calendar["METHOD"]) == "PUBLISH"
        event = calendar.walk("VEVENT")[0]
        assert "ATTENDEE" not in event and "gast@example.org" not in calendar.to_ical().decode()
        assert event["DTSTAMP"].dt.tzinfo is not None and str(event["ORGANIZER"]).startswith("mailto:")


def test_only_people_with_a_role_take_part_by_account(world):
    stakeholder_workshop = WorkshopFactory(programme=world.programme)
    participant = ws.participant_add(workshop=stakeholder_workshop, user=world.user("stakeholder"))
    assert participant.user == world.user("stakeholder")
    outsider = MembershipFactory(role=Role.MEMBER).user
    with pytest.raises(ValidationError):
        ws.participant_add(workshop=stakeholder_workshop, user=outsider)


# --- Demo data --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_city_has_a_past_and_a_coming_workshop_and_seeding_twice_changes_nothing(monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from programmes.demo import registered_demo_steps
    from programmes.demo_workshops import seed_workshops
    from programmes.models import Workshop

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_SUPERUSER", raising=False)
    from concept.demo import seed_concept

    steps = registered_demo_steps()
    assert steps.index(seed_workshops) > steps.index(seed_concept)  # the measures exist first
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    workshops = list(Workshop.objects.filter(programme__slug="digitale-innenstadt").order_by("starts_at"))
    assert len(workshops) == 2
    past, coming = workshops
    now = timezone.now()
    assert past.ends_at < now < coming.starts_at <= now + timedelta(days=40)
    assert past.phase == "konzeption" and past.agenda.count() >= 4
    assert past.participants.count() == 5 and past.participants.filter(user=None).count() == 3
    assert Vote.objects.filter(output__workshop=past).count() >= 5
    kinds = set(past.outputs.values_list("kind", flat=True))
    assert kinds == {"idea", "decision", "action"}
    converted = past.outputs.get(converted_kind="measure")
    measure = Measure.objects.get(pk=converted.converted_id)
    assert measure.programme == past.programme and measure.vote_count > 0
    assert coming.agenda.exists() and coming.participants.exists()
