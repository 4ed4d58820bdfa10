"""Ship the measure library (concept/templates_data.py) as templates without organisation."""

from decimal import Decimal

from django.db import migrations


def ship(apps, schema_editor):
    from concept.templates_data import TEMPLATES

    MeasureTemplate = apps.get_model("concept", "MeasureTemplate")
    for data in TEMPLATES:
        fields = dict(data)
        fields["typical_one_off_costs"] = Decimal(fields["typical_one_off_costs"])
        fields["typical_running_costs"] = Decimal(fields["typical_running_costs"])
        MeasureTemplate.objects.update_or_create(organisation=None, key=fields.pop("key"), defaults=fields)


def unship(apps, schema_editor):
    apps.get_model("concept", "MeasureTemplate").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("concept", "0001_journey_measures_feasibility")]

    operations = [migrations.RunPython(ship, unship)]
