"""Data imports (writes): upload, check with preview, apply all-or-nothing, cancel.

Life cycle: uploaded → checking → ready | failed; ready → importing → done | failed; ready → cancelled.
The check and the parse of the apply phase report ``progress`` with single-row UPDATEs outside any transaction,
so that the page's progress bar sees them while the task runs; the writes of the apply phase happen in one
atomic block, so a file lands completely or not at all.

Counter imports replace: for every (location, day) in the file the FootfallDay row is replaced, and the KPI's
daily measurement of that day is recomputed from the stored footfall days in the KPI's scope: the sum over all
of the programme's locations counted that day, or the count of its one location (``KPI.counter_location``,
chosen on upload). Re-importing an overlapping period therefore replaces, never duplicates. Other counter-fed
KPIs whose scope covers a replaced day get their value of that day recomputed too, so every counter value
always equals the stored counts. Choosing another scope for a KPI recomputes all its counter values.
"""

import io
import logging
import os
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Programme

from . import importers
from .models import KPI, DataImport, FootfallDay, Measurement
from .services import ConflictError
from .services_kpis import survey_period_message, survey_wave_periods

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = importers.MAX_BYTES
EXTENSIONS = {
    DataImport.Kind.GENERIC: (".csv", ".txt", ".xlsx"),
    DataImport.Kind.COUNTER: (".csv", ".txt"),
}
PREVIEW_ROWS = 10
BATCH = 2000
FOOTFALL_FIELDS = [
    "total",
    "direction_a",
    "direction_b",
    "adults",
    "children",
    "weather",
    "temperature",
    "hours",
    "data_import",
]


def _set_progress(data_import: DataImport, value: int, **fields) -> None:
    """Visible at once to other connections: a single UPDATE outside any transaction of ours."""
    data_import.progress = value
    for name, field_value in fields.items():
        setattr(data_import, name, field_value)
    DataImport.objects.filter(pk=data_import.pk).update(progress=value, **fields)


def data_import_create(
    *,
    programme: Programme,
    kind: str,
    file,
    kpi: KPI | None = None,
    user=None,
    location: str | None = None,
) -> DataImport:
    """Store an uploaded file and queue its check (after the transaction commits).

    ``location`` (counter imports): the one counter location the KPI counts, or ``""`` for all locations of the
    programme (their sum per day); None keeps the KPI's current choice (all, for a KPI never fed by a counter).
    """
    errors = {}
    if kind not in DataImport.Kind.values:
        errors["kind"] = _("Choose the kind of file.")
    if kpi is not None and kpi.programme_id != programme.pk:
        errors["kpi"] = _("This KPI belongs to another programme.")
    elif kind == DataImport.Kind.COUNTER and kpi is None:
        errors["kpi"] = _("Choose the footfall KPI that the counts feed.")
    elif kind == DataImport.Kind.COUNTER and kpi.source_question_id:
        errors["kpi"] = _("This KPI is fed by a survey; choose another KPI for the counts.")
    scope = ""
    if kind == DataImport.Kind.COUNTER and kpi is not None:
        scope = kpi.counter_location if location is None else str(location).strip()
        if len(scope) > 200:
            errors["location"] = _("A location name has at most 200 characters.")
    name = os.path.basename(getattr(file, "name", "") or "")
    if file is None or not name:
        errors["file"] = _("Choose a file.")
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_UPLOAD_BYTES:
            errors["file"] = _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES >> 20}
        elif size == 0:
            errors["file"] = _("The file is empty.")
        elif kind in EXTENSIONS and not name.lower().endswith(EXTENSIONS[kind]):
            errors["file"] = _("Upload a file of type %(types)s.") % {"types": ", ".join(EXTENSIONS[kind])}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        data_import = DataImport(
            programme=programme,
            kind=kind,
            kpi=kpi if kind == DataImport.Kind.COUNTER else None,
            location=scope,
            original_name=name[:255],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        data_import.file.save(name, file, save=False)
        data_import.full_clean(exclude=["created_by"])  # imports by a task or a script have no user
        data_import.save()
        from .import_tasks import check_import

        pk = data_import.pk
        transaction.on_commit(lambda: check_import.delay(pk))
    return data_import


def _open(data_import: DataImport):
    handle = data_import.file.storage.open(data_import.file.name, "rb")
    raw = getattr(handle, "file", handle)
    if isinstance(raw, io.IOBase) and raw.readable() and raw.seekable():
        return handle, raw
    return handle, io.BytesIO(handle.read())


def _parse(data_import: DataImport, *, start: int, end: int) -> importers.ParseResult:
    """Parse the stored file, reporting progress between ``start`` and ``end`` percent."""

    def progress(percent: int) -> None:
        _set_progress(data_import, start + (end - start) * percent // 100)

    parser = (
        importers.parse_counter if data_import.kind == DataImport.Kind.COUNTER else importers.parse_generic
    )
    handle, stream = _open(data_import)
    try:
        result = parser(stream, data_import.original_name, progress=progress)
    except importers.HeaderError as problem:
        result = importers.ParseResult(errors=problem.errors, error_count=len(problem.errors))
    finally:
        handle.close()
    if data_import.kind == DataImport.Kind.GENERIC:
        _resolve_kpis(data_import, result)
    elif (
        data_import.kpi_id is None
        or not KPI.objects.filter(pk=data_import.kpi_id, programme_id=data_import.programme_id).exists()
    ):
        result.add_error(None, "kpi", _("The footfall KPI of this import no longer exists."))
    elif data_import.location and result.records:
        found = sorted({day.location for day in result.records})
        if data_import.location not in found:
            result.add_error(
                None,
                "location",
                _(
                    "The file has no rows for “%(location)s”, the location chosen for the KPI. Locations in the file: %(found)s."
                )
                % {"location": data_import.location, "found": ", ".join(found)},
            )
    if result.error_count > len(result.errors):
        result.errors.append(
            importers.error(
                None,
                "",
                _("%(shown)d of %(count)d errors are shown; correct them and upload the file again.")
                % {"shown": len(result.errors), "count": result.error_count},
            )
        )
    return result


def _resolve_kpis(data_import: DataImport, result: importers.ParseResult) -> None:
    """Replace each row's KPI code by the programme's KPI id (exact code first, then ignoring case)."""
    kpis = dict(KPI.objects.filter(programme_id=data_import.programme_id).values_list("code", "pk"))
    folded = {code.lower(): pk for code, pk in kpis.items()}
    resolved = []
    for record in result.records:
        pk = kpis.get(record.kpi_code) or folded.get(record.kpi_code.lower())
        if pk is None:
            result.add_error(
                record.row,
                "kpi",
                _("The programme has no KPI with the code “%(code)s”.") % {"code": record.kpi_code},
            )
            continue
        record.kpi_id = pk
        resolved.append(record)
    # A survey-fed KPI's closed-wave periods belong to the survey (services_kpis): such rows are errors.
    owned = survey_wave_periods({record.kpi_id for record in resolved})
    kept = []
    for record in resolved:
        wave_name = owned.get(record.kpi_id, {}).get((record.period_start, record.period_end))
        if wave_name is not None:
            result.add_error(record.row, "period", survey_period_message(wave_name))
            continue
        kept.append(record)
    result.records = kept


def _preview(data_import: DataImport, result: importers.ParseResult) -> dict:
    records = result.records
    if data_import.kind == DataImport.Kind.COUNTER:
        per_location: dict[str, int] = {}
        for day in records:
            per_location[day.location] = per_location.get(day.location, 0) + 1
        dates = [day.date for day in records]
        kpi = KPI.objects.filter(pk=data_import.kpi_id).only("counter_location").first()
        previous = kpi.counter_location if kpi else data_import.location
        recomputed = 0
        if kpi is not None and previous != data_import.location:
            recomputed = kpi.measurements.filter(source=Measurement.Source.COUNTER).count()
        return {
            # The KPI's scope: the location it counts ("" = all); a change recomputes its earlier counter values.
            "scope": {"location": data_import.location, "previous": previous, "recomputed": recomputed},
            "directions": _direction_names(result),
            "columns": [
                "location",
                "date",
                "total",
                "direction_a",
                "direction_b",
                "adults",
                "children",
                "temperature",
                "weather",
                "hours",
            ],
            "rows": [
                [
                    d.location,
                    d.date.isoformat(),
                    d.total,
                    d.direction_a,
                    d.direction_b,
                    d.adults,
                    d.children,
                    None if d.temperature is None else str(d.temperature),
                    d.weather,
                    d.hours,
                ]
                for d in records[:PREVIEW_ROWS]
            ],
            "groups": [{"label": name, "count": count} for name, count in sorted(per_location.items())],
            "date_from": min(dates).isoformat() if dates else None,
            "date_to": max(dates).isoformat() if dates else None,
            "records": len(records),
        }
    per_kpi: dict[str, int] = {}
    for record in records:
        per_kpi[record.kpi_code] = per_kpi.get(record.kpi_code, 0) + 1
    return {
        "columns": ["kpi", "period_start", "period_end", "value", "note"],
        "rows": [
            [r.kpi_code, r.period_start.isoformat(), r.period_end.isoformat(), str(r.value), r.note]
            for r in records[:PREVIEW_ROWS]
        ],
        "groups": [{"label": code, "count": count} for code, count in sorted(per_kpi.items())],
        "date_from": min(r.period_start for r in records).isoformat() if records else None,
        "date_to": max(r.period_end for r in records).isoformat() if records else None,
        "records": len(records),
    }


def _direction_names(result: importers.ParseResult) -> list[str]:
    """The export's names of the two direction columns (e.g. "Fußgänger Richtung links"); [] without them."""
    names = [result.columns.get("direction_a", ""), result.columns.get("direction_b", "")]
    return names if any(names) else []


def data_import_check(*, data_import: DataImport) -> DataImport:
    """Parse the file, fill the preview and the errors: ready when the file is clean, failed otherwise."""
    if data_import.status not in {DataImport.Status.UPLOADED, DataImport.Status.CHECKING}:
        raise ConflictError(_("This import has already been checked."))
    _set_progress(data_import, 0, status=DataImport.Status.CHECKING)
    result = _parse(data_import, start=0, end=95)
    failed = bool(result.errors)
    fields = {
        "status": DataImport.Status.FAILED if failed else DataImport.Status.READY,
        "rows_total": result.rows_total,
        "encoding": result.encoding[:20],
        "errors": result.errors,
        "preview": {} if failed else _preview(data_import, result),
        "finished_at": timezone.now() if failed else None,
    }
    _set_progress(data_import, 100, **fields)
    return data_import


def data_import_fail(*, data_import: DataImport, message: str) -> DataImport:
    """Mark an import failed with one readable message (a task that broke)."""
    errors = [*list(data_import.errors or []), importers.error(None, "", message)]
    _set_progress(
        data_import,
        data_import.progress,
        status=DataImport.Status.FAILED,
        errors=errors,
        finished_at=timezone.now(),
    )
    return data_import


def data_import_start(*, data_import: DataImport) -> DataImport:
    """ready → importing, once: a second click or a second task finds the import no longer ready."""
    moved = DataImport.objects.filter(pk=data_import.pk, status=DataImport.Status.READY).update(
        status=DataImport.Status.IMPORTING, progress=0
    )
    if not moved:
        raise ConflictError(_("Only an import that is ready can be applied."))
    data_import.status, data_import.progress = DataImport.Status.IMPORTING, 0
    return data_import


def data_import_enqueue_apply(*, data_import: DataImport) -> DataImport:
    """What the "Import" button and ``POST /api/v1/imports/{id}/apply/`` do: ready → importing, then the task.

    The status moves at once (a second click or request gets a ConflictError); the apply task is queued only
    after that change is committed, so the worker never finds the import still ready.
    """
    from .import_tasks import apply_import

    with transaction.atomic():
        data_import_start(data_import=data_import)
        pk = data_import.pk
        transaction.on_commit(lambda: apply_import.delay(pk))
    return data_import


def data_import_apply(*, data_import: DataImport) -> DataImport:
    """Write every row of a checked file in one transaction (all or nothing); the summary says what changed."""
    if data_import.status == DataImport.Status.READY:
        data_import_start(data_import=data_import)
    elif data_import.status != DataImport.Status.IMPORTING:
        raise ConflictError(_("Only an import that is ready can be applied."))
    result = _parse(data_import, start=0, end=80)
    if result.errors:
        _set_progress(
            data_import,
            100,
            status=DataImport.Status.FAILED,
            errors=result.errors,
            finished_at=timezone.now(),
        )
        return data_import
    _set_progress(data_import, 85)
    try:
        with transaction.atomic():
            if data_import.kind == DataImport.Kind.COUNTER:
                summary = _apply_counter(data_import, result.records)
                summary["directions"] = _direction_names(result)
            else:
                summary = _apply_generic(data_import, result.records)
    except DatabaseError:
        logger.exception("data import %s could not be written", data_import.pk)
        return data_import_fail(
            data_import=data_import,
            message=_("The data could not be saved; nothing was imported. Please try again."),
        )
    _set_progress(
        data_import,
        100,
        status=DataImport.Status.DONE,
        summary=summary,
        finished_at=timezone.now(),
    )
    return data_import


def data_import_cancel(*, data_import: DataImport) -> DataImport:
    """Drop a checked import without writing anything."""
    moved = DataImport.objects.filter(
        pk=data_import.pk,
        status__in=[DataImport.Status.UPLOADED, DataImport.Status.READY, DataImport.Status.FAILED],
    ).update(status=DataImport.Status.CANCELLED, finished_at=timezone.now())
    if not moved:
        raise ConflictError(_("This import can no longer be cancelled."))
    data_import.refresh_from_db()
    return data_import


def _apply_generic(data_import: DataImport, records: list) -> dict:
    kpi_ids = {r.kpi_id for r in records}
    first = min(r.period_start for r in records)
    last = max(r.period_end for r in records)
    existing = set(
        Measurement.objects.filter(
            kpi_id__in=kpi_ids, period_start__gte=first, period_end__lte=last
        ).values_list("kpi_id", "period_start", "period_end")
    )
    measurements = [
        Measurement(
            kpi_id=r.kpi_id,
            period_start=r.period_start,
            period_end=r.period_end,
            value=r.value,
            note=r.note,
            source=Measurement.Source.IMPORT,
            data_import=data_import,
            created_by_id=data_import.created_by_id,
        )
        for r in records
    ]
    Measurement.objects.bulk_create(
        measurements,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kpi", "period_start", "period_end"],
        update_fields=["value", "note", "source", "data_import"],
    )
    replaced = sum((r.kpi_id, r.period_start, r.period_end) in existing for r in records)
    codes = dict(KPI.objects.filter(pk__in=kpi_ids).values_list("pk", "code"))
    per_kpi: dict[int, int] = {}
    for r in records:
        per_kpi[r.kpi_id] = per_kpi.get(r.kpi_id, 0) + 1
    return {
        "measurements": len(records),
        "created": len(records) - replaced,
        "replaced": replaced,
        "kpis": [
            {"id": pk, "code": codes.get(pk, ""), "count": count}
            for pk, count in sorted(per_kpi.items(), key=lambda item: codes.get(item[0], ""))
        ],
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
    }


def counter_totals(programme_id: int, location: str, first: date, last: date) -> dict[date, int]:
    """Pedestrians per day between ``first`` and ``last`` from the stored footfall days: the one ``location``,
    or all locations of the programme when it is blank. One aggregate query."""
    days = FootfallDay.objects.filter(programme_id=programme_id, date__range=(first, last))
    if location:
        days = days.filter(location=location)
    return dict(days.order_by().values("date").annotate(total=Sum("total")).values_list("date", "total"))


def _apply_counter(data_import: DataImport, days: list) -> dict:
    programme_id = data_import.programme_id
    kpi = KPI.objects.select_for_update().get(pk=data_import.kpi_id)
    first = min(d.date for d in days)
    last = max(d.date for d in days)
    locations = sorted({d.location for d in days})
    pairs = {(d.location, d.date) for d in days}
    existing = set(
        FootfallDay.objects.filter(
            programme_id=programme_id, location__in=locations, date__range=(first, last)
        ).values_list("location", "date")
    )
    FootfallDay.objects.bulk_create(
        [
            FootfallDay(
                programme_id=programme_id,
                location=d.location[:200],
                date=d.date,
                total=d.total,
                direction_a=d.direction_a,
                direction_b=d.direction_b,
                adults=d.adults,
                children=d.children,
                weather=d.weather,
                temperature=d.temperature,
                hours=min(d.hours, 25),
                data_import=data_import,
            )
            for d in days
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["programme", "location", "date"],
        update_fields=FOOTFALL_FIELDS,
    )
    dates = {d.date for d in days}
    scope = data_import.location
    counter_values = Measurement.objects.filter(kpi=kpi, source=Measurement.Source.COUNTER)
    earlier: set[date] = set()
    if kpi.counter_location != scope:
        # Another scope for this KPI: every counter value it holds is recomputed for the new scope.
        earlier = set(counter_values.values_list("period_start", flat=True))
        kpi.counter_location = scope
        kpi.save(update_fields=["counter_location", "updated_at"])
    wanted = dates | earlier
    totals = {
        day: total
        for day, total in counter_totals(programme_id, scope, min(wanted), max(wanted)).items()
        if day in wanted
    }
    Measurement.objects.bulk_create(
        [
            Measurement(
                kpi=kpi,
                period_start=day,
                period_end=day,
                value=total,
                source=Measurement.Source.COUNTER,
                data_import=data_import,
                created_by_id=data_import.created_by_id,
            )
            for day, total in sorted(totals.items())
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kpi", "period_start", "period_end"],
        update_fields=["value", "source", "data_import"],
    )
    removed = 0
    if earlier - set(totals):
        # Days the KPI held under its old scope that the new scope does not count.
        removed, _detail = counter_values.filter(period_start__in=earlier - set(totals)).delete()
    others = _refresh_other_counter_kpis(programme_id, kpi.pk, locations, dates)
    replaced = len(pairs & existing)
    return {
        "kpi": {"id": kpi.pk, "code": kpi.code},
        "location": scope,
        "locations": locations,
        "days": len(dates),
        "footfall_days": len(days),
        "created": len(days) - replaced,
        "replaced": replaced,
        "measurements": len(totals),
        "removed": removed,
        "other_kpis": others,
        "pedestrians": sum(d.total for d in days),
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
    }


def _refresh_other_counter_kpis(
    programme_id: int, kpi_id: int, locations: list[str], dates: set[date]
) -> list:
    """Recompute the counter values that other KPIs hold for the replaced days (scope all, or a location of
    the file); they gain no new days. Returns the codes of the KPIs whose values changed."""
    first, last = min(dates), max(dates)
    held = (
        Measurement.objects.filter(
            kpi__programme_id=programme_id,
            source=Measurement.Source.COUNTER,
            period_start__range=(first, last),
        )
        .filter(Q(kpi__counter_location="") | Q(kpi__counter_location__in=locations))
        .exclude(kpi_id=kpi_id)
        .select_related("kpi")
        .only("pk", "value", "period_start", "kpi__code", "kpi__counter_location")
    )
    by_scope: dict[str, list[Measurement]] = {}
    for measurement in held:
        if measurement.period_start in dates:
            by_scope.setdefault(measurement.kpi.counter_location, []).append(measurement)
    changed: list[Measurement] = []
    for scope, measurements in by_scope.items():
        totals = counter_totals(programme_id, scope, first, last)
        for measurement in measurements:
            total = totals.get(measurement.period_start)
            if total is not None and measurement.value != total:
                measurement.value = total
                changed.append(measurement)
    Measurement.objects.bulk_update(changed, ["value"], batch_size=BATCH)
    return sorted({m.kpi.code for m in changed})
