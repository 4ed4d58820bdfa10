"""Demo workshops for ``manage.py seed_demo``: a past Konzeption workshop and a coming one next month.

The past journey walk has an agenda, five participants (two accounts, three guests), ideas with dot votes,
one idea turned into a measure of Konzeption (through the conversion registry), decisions and action items.
Registered last (in ``TransformationConfig.ready()``) so that Konzeption's measures exist. Idempotent: nothing
happens when the programme already has workshops.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from . import workshops
from .models import Workshop, WorkshopOutput

PROGRAMME_SLUG = "digitale-innenstadt"

GUESTS = [
    ("Hanna Vogel", "hanna.vogel@cafe-am-markt.example", "Café am Markt"),
    ("Murat Yılmaz", "", "Stadtmarketing Musterstadt e. V."),
    ("Gisela Brandt", "", "Seniorenbeirat"),
]

IDEAS = [
    "Digitaler Stadtplan mit barrierefreien Wegen und Toiletten",
    "Freies WLAN rund um den Marktplatz",
    "Click & Collect für die Geschäfte der Werbegemeinschaft",
    "Aktuelle Parkplatz-Belegung auf der Website der Stadt",
]
# participant index → (idea index, dots) ; every participant has three dots
VOTES = [
    [(0, 2), (3, 1)],
    [(0, 1), (2, 2)],
    [(0, 3)],
    [(1, 1), (3, 2)],
    [(0, 1), (1, 1), (2, 1)],
]


def _at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_workshops(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None or Workshop.objects.filter(programme=programme).exists():
        return
    lead, member = demo.users.get("lead"), demo.users.get("member")
    today = timezone.localdate()

    past = workshops.workshop_create(
        programme=programme,
        created_by=lead,
        template="k_journey_walk",
        phase="konzeption",
        title="Journey-Walk Innenstadt: Ideen für Maßnahmen",
        starts_at=_at(today - timedelta(days=21), 17),
        place="Rathaus, Sitzungssaal 2",
        facilitator="Petra Lehmann",
        dots_per_participant=3,
    )
    participants = [workshops.participant_add(workshop=past, user=user) for user in (lead, member) if user]
    participants += [
        workshops.participant_add(workshop=past, name=name, email=email, organisation=organisation)
        for name, email, organisation in GUESTS
    ]
    agenda = list(past.agenda.all())
    ideas_item = agenda[2] if len(agenda) > 2 else None
    decisions_item = agenda[-1] if agenda else None
    ideas = [
        workshops.output_add(workshop=past, kind=WorkshopOutput.Kind.IDEA, text=text, agenda_item=ideas_item)
        for text in IDEAS
    ]
    workshops.workshop_set_voting(workshop=past, open=True)
    for participant, votes in zip(participants, VOTES, strict=False):
        for idea_index, dots in votes:
            workshops.vote_cast(participant=participant, output=ideas[idea_index], dots=dots)
    workshops.workshop_set_voting(workshop=past, open=False)
    if workshops.workshop_conversions.get("measure"):
        workshops.output_convert(
            output=ideas[0], kind="measure", user=lead, title="Barrierefreier digitaler Stadtplan"
        )
    workshops.output_add(
        workshop=past,
        kind=WorkshopOutput.Kind.DECISION,
        text="Der barrierefreie Stadtplan wird als Maßnahme in die Konzeption aufgenommen.",
        agenda_item=decisions_item,
    )
    workshops.output_add(
        workshop=past,
        kind=WorkshopOutput.Kind.DECISION,
        text="WLAN am Marktplatz wird erst nach der Auswertung der Besucherbefragung entschieden.",
        agenda_item=decisions_item,
    )
    workshops.output_add(
        workshop=past,
        kind=WorkshopOutput.Kind.ACTION,
        text="Bestehende Daten zu barrierefreien Wegen beim Tiefbauamt anfragen",
        owner="Jonas Becker",
        due=today + timedelta(days=7),
        agenda_item=decisions_item,
    )
    workshops.output_add(
        workshop=past,
        kind=WorkshopOutput.Kind.ACTION,
        text="Händler*innen zu Click & Collect befragen",
        owner="Murat Yılmaz",
        due=today + timedelta(days=14),
        agenda_item=decisions_item,
    )

    coming = workshops.workshop_create(
        programme=programme,
        created_by=lead,
        template="t_retrospective",
        starts_at=_at(today + timedelta(days=30), 16),
        place="Stadtbibliothek, Veranstaltungsraum",
        online_url="https://meet.musterstadt.example/initiativkreis",
        facilitator="Petra Lehmann",
    )
    for user in (lead, member):
        if user:
            workshops.participant_add(workshop=coming, user=user)
    workshops.participant_add(
        workshop=coming, name=GUESTS[0][0], email=GUESTS[0][1], organisation=GUESTS[0][2]
    )
    demo.log(f"Workshops: a past and a coming workshop for {programme.title}")
