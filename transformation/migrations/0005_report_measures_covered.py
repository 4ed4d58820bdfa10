"""Reports link to the measures they cover (the evidence trail used to search the HTML for a title).

The data step links the reports built before this change, read from their frozen figures: the measures of the
reported KPIs (as linked today), the measures named in milestone rows and business cases (by title within
the programme) and measures that open risk warnings were about. The snapshots themselves stay untouched.
"""

import re

from django.db import migrations, models

MEASURE_SUBJECT = re.compile(r"^measure:(\d+)$")


def _rows(value):
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def covered_measures(data: dict, by_title: dict, by_kpi_code: dict, measure_ids: set) -> set:
    covered = set()
    kpis = data.get("kpis") if isinstance(data.get("kpis"), dict) else {}
    for row in _rows(kpis.get("rows")):
        covered.update(by_kpi_code.get(row.get("code"), ()))
    milestones = data.get("milestones") if isinstance(data.get("milestones"), dict) else {}
    for key in ("overdue", "due_in_period", "quick_wins"):
        for row in _rows(milestones.get(key)):
            if row.get("measure") in by_title:
                covered.add(by_title[row["measure"]])
    cases = data.get("business_cases") if isinstance(data.get("business_cases"), dict) else {}
    for row in _rows(cases.get("cases")):
        if row.get("measure") in by_title:
            covered.add(by_title[row["measure"]])
    for row in _rows(data.get("risks")):
        match = MEASURE_SUBJECT.match(str(row.get("subject", "")))
        if match and int(match.group(1)) in measure_ids:
            covered.add(int(match.group(1)))
    return covered


def link_existing_reports(apps, schema_editor):
    Report = apps.get_model("transformation", "Report")
    Measure = apps.get_model("concept", "Measure")
    KPI = apps.get_model("transformation", "KPI")
    Through = Report.measures.through
    programme_ids = (
        Report.objects.exclude(data={}).values_list("programme_id", flat=True).distinct().order_by()
    )
    for programme_id in programme_ids:
        measures = list(Measure.objects.filter(programme_id=programme_id).values_list("pk", "title"))
        by_title = {title: pk for pk, title in measures}
        by_kpi_code: dict = {}
        for code, measure_id in KPI.measures.through.objects.filter(
            kpi__programme_id=programme_id
        ).values_list("kpi__code", "measure_id"):
            by_kpi_code.setdefault(code, set()).add(measure_id)
        measure_ids = {pk for pk, _title in measures}
        links = []
        for report in Report.objects.filter(programme_id=programme_id).exclude(data={}).only("pk", "data"):
            data = report.data if isinstance(report.data, dict) else {}
            for measure_id in covered_measures(data, by_title, by_kpi_code, measure_ids):
                links.append(Through(report_id=report.pk, measure_id=measure_id))
        Through.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("concept", "0002_ship_measure_templates"),
        ("transformation", "0004_report_delivery_claimed_before_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="measures",
            field=models.ManyToManyField(
                blank=True, related_name="reports", to="concept.measure", verbose_name="measures covered"
            ),
        ),
        migrations.RunPython(link_existing_reports, migrations.RunPython.noop),
    ]
