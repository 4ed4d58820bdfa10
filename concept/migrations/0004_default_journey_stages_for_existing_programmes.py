"""Give every existing programme without journey stages the default stages.

New programmes get them when they are created (concept/apps.py registers journey_ensure_defaults); before,
the journey pages created them on the first visit, so a programme nobody looked at may still have none.
The list is frozen here as it stood (concept.models.DEFAULT_STAGES may change later).
"""

from django.db import migrations

DEFAULT_STAGES = [
    ("inspiration", "Inspiration"),
    ("information-planung", "Information & Planung"),
    ("anreise", "Anreise"),
    ("ankommen-orientierung", "Ankommen & Orientierung"),
    ("aufenthalt-erlebnis", "Aufenthalt & Erlebnis"),
    ("einkauf-angebot", "Einkauf & Angebot"),
    ("service", "Service"),
    ("abreise", "Abreise"),
    ("nachbereitung-teilen", "Nachbereitung & Teilen"),
]


def add_default_stages(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    JourneyStage = apps.get_model("concept", "JourneyStage")
    bare = Programme.objects.filter(journey_stages__isnull=True).values_list("pk", flat=True)
    JourneyStage.objects.bulk_create(
        [
            JourneyStage(programme_id=programme_id, key=key, name=name, position=position)
            for programme_id in bare.iterator()
            for position, (key, name) in enumerate(DEFAULT_STAGES, start=1)
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("concept", "0003_measure_history")]

    # Backwards: nothing to undo; the stages may have been used since and stay.
    operations = [migrations.RunPython(add_default_stages, migrations.RunPython.noop)]
