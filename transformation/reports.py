"""Recurring KPI reports: schedules, periods, frozen snapshots and their e-mails (services and selectors).

A schedule produces one report per completed period (weekly Monday–Sunday, calendar months, calendar quarters).
Beat runs ``report_dispatch_due`` (task ``dispatch_due_reports``): it creates the missing report rows of the
latest completed period — the database's unique constraint makes a second run a no-op — and enqueues one
``build_and_send_report`` task per new report after the commit. ``report_build`` freezes the figures as of the
period end into ``Report.data`` and renders HTML (and a PDF when WeasyPrint works) from that data once; a built
report never changes. ``report_send`` mails every recipient at most once: one ``ReportDelivery`` per address,
claimed (committed) before its e-mail goes out and marked sent after, so a retry or a second run mails only
those not yet reached, even after a worker died between sending and marking.
"""

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from concept.models import Measure
from programmes.gates import gate_registry
from programmes.models import Membership, Phase, PhaseTransition, Programme, Role
from programmes.risks import risk_registry, risk_warnings
from programmes.services import only_fields

from . import exporters, kpis, mailcharts, selectors, svgcharts
from .models import KPI, Milestone, Report, ReportDelivery, ReportSchedule

logger = logging.getLogger(__name__)

SECTIONS = ReportSchedule.SECTIONS
SCHEDULE_FIELDS = {
    "name",
    "cadence",
    "language",
    "sections",
    "send_to_members",
    "send_to_stakeholders",
    "extra_recipients",
    "active",
    "starts_on",
}
MAX_EXTRA_RECIPIENTS = 50
STALE_BUILD = timedelta(minutes=15)
REQUEUE_WINDOW = timedelta(days=7)
SEND_NOW_GRACE = timedelta(minutes=1)
SPLIT_ADDRESSES = re.compile(r"[\s,;]+")


def section_choices() -> list[tuple[str, str]]:
    return [
        ("kpis", _("KPIs")),
        ("milestones", _("Milestones and quick wins")),
        ("gate", _("Gate status and phase decisions")),
        ("business_cases", _("Business cases")),
        ("risks", _("Open risks")),
    ]


# --------------------------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def period_containing(cadence: str, day: date) -> Period:
    """The weekly (Monday–Sunday), monthly or quarterly period that contains ``day``."""
    if cadence == ReportSchedule.Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    if cadence == ReportSchedule.Cadence.MONTHLY:
        start = day.replace(day=1)
    elif cadence == ReportSchedule.Cadence.QUARTERLY:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    months = 1 if cadence == ReportSchedule.Cadence.MONTHLY else 3
    year, month = divmod(start.month - 1 + months, 12)
    return Period(start, date(start.year + year, month + 1, 1) - timedelta(days=1))


def previous_period(cadence: str, period: Period) -> Period:
    return period_containing(cadence, period.start - timedelta(days=1))


def latest_completed_period(cadence: str, today: date) -> Period:
    """The last period that ended before ``today``."""
    return previous_period(cadence, period_containing(cadence, today))


def period_label(cadence: str, period: Period) -> str:
    """'März 2026', 'Q1 2026', 'KW 12/2026' in the active language."""
    if cadence == ReportSchedule.Cadence.MONTHLY:
        return formats.date_format(period.start, "F Y")
    if cadence == ReportSchedule.Cadence.QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (period.start.month - 1) // 3 + 1,
            "year": period.start.year,
        }
    if cadence == ReportSchedule.Cadence.WEEKLY:
        year, week, _day = period.start.isocalendar()
        return _("week %(week)s/%(year)s") % {"week": week, "year": year}
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(period.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(period.end, "SHORT_DATE_FORMAT"),
    }


def report_title(programme: Programme, cadence: str, period: Period) -> str:
    return _("%(programme)s – KPI report %(period)s") % {
        "programme": programme.title,
        "period": period_label(cadence, period),
    }


# --------------------------------------------------------------------------------------------------------------
# Schedules (services)
# --------------------------------------------------------------------------------------------------------------


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses without duplicates, invalid entries) of a comma/semicolon/line separated list."""
    valid, invalid, seen = [], [], set()
    for entry in SPLIT_ADDRESSES.split(text or ""):
        entry = entry.strip()
        if not entry:
            continue
        try:
            validate_email(entry)
        except ValidationError:
            invalid.append(entry)
            continue
        if entry.lower() not in seen:
            seen.add(entry.lower())
            valid.append(entry)
    return valid, invalid


def _check_schedule(schedule: ReportSchedule) -> None:
    errors = {}
    sections = schedule.sections
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        errors["sections"] = _("Choose the sections from the list.")
    else:
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            errors["sections"] = _("Unknown sections: %(sections)s") % {"sections": ", ".join(unknown)}
        elif not sections:
            errors["sections"] = _("Choose at least one section.")
        else:
            schedule.sections = [s for s in SECTIONS if s in sections]  # canonical order, no duplicates
    valid, invalid = parse_addresses(schedule.extra_recipients)
    if invalid:
        errors["extra_recipients"] = _("These are not valid e-mail addresses: %(addresses)s") % {
            "addresses": ", ".join(invalid[:10])
        }
    elif len(valid) > MAX_EXTRA_RECIPIENTS:
        errors["extra_recipients"] = _("At most %(n)s further addresses.") % {"n": MAX_EXTRA_RECIPIENTS}
    else:
        schedule.extra_recipients = "\n".join(valid)
    try:
        schedule.full_clean(exclude=["programme", "created_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_schedule_create(*, programme: Programme, created_by=None, **fields) -> ReportSchedule:
    """A new report schedule; the first report covers the first whole period starting on or after starts_on."""
    fields = only_fields(fields, SCHEDULE_FIELDS)
    fields.setdefault("sections", list(SECTIONS))
    fields.setdefault("starts_on", period_containing("monthly", timezone.localdate()).start)
    schedule = ReportSchedule(programme=programme, created_by=created_by, **fields)
    _check_schedule(schedule)
    schedule.save()
    return schedule


@transaction.atomic
def report_schedule_update(*, schedule: ReportSchedule, **fields) -> ReportSchedule:
    for name, value in only_fields(fields, SCHEDULE_FIELDS).items():
        setattr(schedule, name, value)
    _check_schedule(schedule)
    schedule.save()
    return schedule


@transaction.atomic
def report_schedule_delete(*, schedule: ReportSchedule) -> None:
    """Delete a schedule; its archived reports stay (their schedule becomes empty)."""
    schedule.delete()


# --------------------------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------------------------


def schedules_for(programme: Programme) -> QuerySet[ReportSchedule]:
    return schedules_for_programmes([programme.pk]).order_by("name", "id")


def schedules_for_programmes(programmes) -> QuerySet[ReportSchedule]:
    """Schedules of the given programmes (ids or a queryset) with the number of their reports."""
    return ReportSchedule.objects.filter(programme__in=programmes).annotate(report_count=Count("reports"))


def reports_for(programme: Programme) -> QuerySet[Report]:
    """The archive: newest period first, without the heavy snapshot columns, with delivery counts."""
    return archive(Report.objects.filter(programme=programme))


def archive(queryset: QuerySet[Report]) -> QuerySet[Report]:
    return (
        queryset.select_related("schedule")
        .defer("data", "html", "pdf")
        .annotate(
            delivery_count=Count("deliveries"),
            sent_count=Count("deliveries", filter=Q(deliveries__status=ReportDelivery.Status.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=ReportDelivery.Status.FAILED)),
            unconfirmed_count=Count("deliveries", filter=Q(deliveries__status=ReportDelivery.Status.SENDING)),
            has_pdf=ExpressionWrapper(Q(pdf__isnull=False), output_field=BooleanField()),
        )
        .order_by("-period_end", "-created_at", "-id")
    )


@dataclass(frozen=True)
class DueReport:
    schedule: ReportSchedule
    period: Period


def due_reports(today: date) -> list[DueReport]:
    """The latest completed period of each active schedule that has no scheduled report yet (two queries).

    Only that one period: after an outage the platform reports the latest period, it does not flood the
    recipients with every period it missed. Periods that start before ``starts_on`` are never due.
    """
    schedules = list(
        ReportSchedule.objects.filter(active=True)
        .exclude(programme__status=Programme.Status.ARCHIVED)
        .select_related("programme__organisation")
        .order_by("pk")
    )
    candidates = []
    for schedule in schedules:
        period = latest_completed_period(schedule.cadence, today)
        if period.start >= schedule.starts_on:
            candidates.append(DueReport(schedule, period))
    if not candidates:
        return []
    existing = set(
        Report.objects.filter(
            trigger=Report.Trigger.SCHEDULED,
            schedule__in=[c.schedule.pk for c in candidates],
            period_end__gte=min(c.period.end for c in candidates),
        ).values_list("schedule_id", "period_start", "period_end")
    )
    return [c for c in candidates if (c.schedule.pk, c.period.start, c.period.end) not in existing]


# --------------------------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------------------------


def _enqueue(report_id: int) -> None:
    from .report_tasks import build_and_send_report

    build_and_send_report.delay(report_id)


def unsaved_report(schedule: ReportSchedule, period: Period, trigger: str) -> Report:
    with translation.override(schedule.language):
        title = report_title(schedule.programme, schedule.cadence, period)
    return Report(
        programme=schedule.programme,
        schedule=schedule,
        title=title[:300],
        period_start=period.start,
        period_end=period.end,
        language=schedule.language,
        trigger=trigger,
    )


def report_dispatch_due(today: date | None = None) -> list[Report]:
    """Create the report of every due period (once, whatever runs in parallel) and enqueue its build task.

    Also re-enqueues reports of the last days that are still "being built" after STALE_BUILD (their
    task was lost, e.g. a broker outage between commit and publish); building is idempotent, so a duplicate
    task only finds the report done.
    """
    today = today or timezone.localdate()
    created = []
    for due in due_reports(today):
        template = unsaved_report(due.schedule, due.period, Report.Trigger.SCHEDULED)
        with transaction.atomic():
            # get_or_create retries the lookup on an IntegrityError: a parallel dispatch that won the race
            # leaves its row, and this run only finds it.
            report, was_created = Report.objects.get_or_create(
                schedule=due.schedule,
                period_start=due.period.start,
                period_end=due.period.end,
                trigger=Report.Trigger.SCHEDULED,
                defaults={
                    "programme": template.programme,
                    "title": template.title,
                    "language": template.language,
                },
            )
            if was_created:
                created.append(report)
                transaction.on_commit(lambda pk=report.pk: _enqueue(pk))
    now = timezone.now()
    stale = Report.objects.filter(
        status=Report.Status.BUILDING,
        created_at__lt=now - STALE_BUILD,
        created_at__gte=now - REQUEUE_WINDOW,
    ).values_list("pk", flat=True)
    for pk in stale:
        _enqueue(pk)
    return created


@transaction.atomic
def report_send_now(*, schedule: ReportSchedule, today: date | None = None) -> Report:
    """A report by hand ("send now") for the schedule's latest completed period; built and mailed after commit.

    It is a report of its own (trigger manual) beside the scheduled one of the same period.
    """
    today = today or timezone.localdate()
    period = latest_completed_period(schedule.cadence, today)
    # A double click (or a resent API call) within a minute gets the report just made, not a second e-mail.
    recent = (
        Report.objects.select_for_update()
        .filter(
            schedule=schedule,
            trigger=Report.Trigger.MANUAL,
            period_start=period.start,
            period_end=period.end,
            created_at__gte=timezone.now() - SEND_NOW_GRACE,
        )
        .first()
    )
    if recent is not None:
        return recent
    report = unsaved_report(schedule, period, Report.Trigger.MANUAL)
    report.full_clean()
    report.save()
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


@transaction.atomic
def report_retry(*, report: Report) -> Report:
    """Try a failed report again: build it if it has no snapshot yet, then mail the addresses not yet reached."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != Report.Status.FAILED:
        raise ValidationError(_("Only a failed report can be tried again."))
    locked.status = Report.Status.BUILT if locked.html else Report.Status.BUILDING
    locked.error = ""
    locked.save(update_fields=["status", "error"])
    locked.deliveries.filter(status=ReportDelivery.Status.FAILED).update(status=ReportDelivery.Status.PENDING)
    transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


@transaction.atomic
def report_mark_failed(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).exclude(status=Report.Status.SENT).update(
        status=Report.Status.FAILED, error=error[:2000]
    )


# --------------------------------------------------------------------------------------------------------------
# The snapshot: figures as of the period end, JSON-safe
# --------------------------------------------------------------------------------------------------------------


def _text(value) -> str | None:
    """Decimals as plain strings (no exponent), dates as ISO strings."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        normal = value.normalize()
        return format(normal if normal == normal.to_integral() else value, "f") if value.is_finite() else None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _kpi_figures(programme: Programme, as_of: date, covered: set[int]) -> dict:
    summaries = kpis.kpi_summaries(programme, as_of=as_of)
    covered.update(
        KPI.measures.through.objects.filter(kpi_id__in=[s.kpi.pk for s in summaries]).values_list(
            "measure_id", flat=True
        )
    )
    rows = []
    for summary in summaries:
        kpi = summary.kpi
        path = kpis.target_path(kpi, list(kpi.targets.all()))
        rows.append(
            {
                "code": kpi.code,
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "status": summary.status,
                "status_label": str(kpis.KpiStatus(summary.status).label),
                "explanation": str(summary.explanation),
                "latest_value": _text(summary.latest_value),
                "latest_period_end": _text(summary.latest_period_end),
                "target_value": _text(summary.target_value),
                "target_date": _text(summary.target_date),
                "expected_value": _text(summary.expected_value),
                "baseline_value": _text(kpi.baseline_value),
                "baseline_date": _text(kpi.baseline_date),
                "path": [[_text(d), _text(v)] for d, v in path if d != date.min],
                "series": [[_text(d), _text(v)] for d, v in summary.sparkline],
            }
        )
    counts = kpis.status_counts(summaries)
    return {
        "rows": rows,
        "status_counts": [
            {"status": status.value, "label": str(status.label), "count": counts[status.value]}
            for status in kpis.KpiStatus
        ],
    }


def _milestone_figures(programme: Programme, period_start: date, period_end: date, covered: set[int]) -> dict:
    milestones = list(
        Milestone.objects.filter(measure__programme=programme).select_related("measure").order_by("due", "id")
    )
    by_status = dict.fromkeys(Milestone.Status.values, 0)
    for milestone in milestones:
        by_status[milestone.status] += 1

    def row(m: Milestone) -> dict:
        covered.add(m.measure_id)
        return {  # no owner: reports go to stakeholders and further addresses (no names of people)
            "title": m.title,
            "measure": m.measure.title,
            "due": _text(m.due),
            "status": m.status,
            "status_label": str(m.get_status_display()),
        }

    open_ = [m for m in milestones if m.status != Milestone.Status.DONE]
    return {
        "total": len(milestones),
        "by_status": [
            {"status": value, "label": str(label), "count": by_status[value]}
            for value, label in Milestone.Status.choices
        ],
        "overdue": [row(m) for m in open_ if m.due < period_end],
        "due_in_period": [row(m) for m in milestones if period_start <= m.due <= period_end],
        "quick_wins": [row(m) for m in milestones if m.quick_win],
    }


def _transition_row(t: PhaseTransition) -> dict:
    return {
        "from_phase": t.from_phase,
        "from_label": str(t.get_from_phase_display()),
        "to_phase": t.to_phase,
        "to_label": str(t.get_to_phase_display()),
        "cycle": t.cycle,
        "decided_at": _text(t.decided_at),  # not who decided: reports name no people
        "overridden": t.overridden,
        "rationale": t.rationale,
    }


def overrides_in_force(programme: Programme, *, until: datetime | None = None) -> list[PhaseTransition]:
    """The gate overrides the programme's current cycle runs on, whenever they were decided (one query).

    That is every overridden move out of a phase of the current cycle (E → K, K → T) and the overridden
    T → E move that opened the cycle. An override stays in force for the rest of its cycle: the criteria it
    passed over describe the phase that was left (selected measures, for instance, later go into
    implementation), so re-checking them later would not tell whether the gap was closed. A new cycle starts
    without them. ``until`` leaves out decisions taken after that moment (the end of a report period).
    """
    overrides = PhaseTransition.objects.filter(programme=programme, overridden=True).filter(
        Q(cycle=programme.cycle) | Q(cycle=programme.cycle - 1, from_phase=Phase.TRANSFORMATION)
    )
    if until is not None:
        overrides = overrides.filter(decided_at__lt=until)
    return list(overrides.order_by("decided_at", "id"))


def _gate_figures(programme: Programme, period_start: date, period_end: date) -> dict:
    results = gate_registry.evaluate(programme)
    tz = timezone.get_current_timezone()
    start = datetime.combine(period_start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    transitions = PhaseTransition.objects.filter(
        programme=programme, decided_at__gte=start, decided_at__lt=end
    ).order_by("decided_at", "id")
    return {
        "phase": programme.phase,
        "phase_label": str(programme.get_phase_display()),
        "cycle": programme.cycle,
        "criteria": [
            {"key": r.key, "label": str(r.label), "met": bool(r.met), "detail": str(r.detail)}
            for r in results
        ],
        "met": sum(1 for r in results if r.met),
        "total": len(results),
        "transitions": [_transition_row(t) for t in transitions],
        # Overrides decided in earlier periods too, with the criteria they passed over (as recorded then).
        "overrides_in_force": [
            {
                **_transition_row(t),
                "unmet": [
                    {"label": str(c.get("label", "")), "detail": str(c.get("detail", ""))}
                    for c in (t.criteria or [])
                    if isinstance(c, dict) and not c.get("met")
                ],
            }
            for t in overrides_in_force(programme, until=end)
        ],
    }


def _business_case_figures(programme: Programme, covered: set[int]) -> dict:
    rollup = selectors.programme_rollup(programme)
    cases = list(selectors.business_cases_for(programme).filter(next_version__isnull=True))
    covered.update(case.measure_id for case in cases if case.measure_id)
    return {
        "rollup": {key: _text(value) for key, value in rollup.items()},
        "cases": [
            {
                "title": case.title,
                "measure": case.measure.title if case.measure else "",
                "version": case.version,
                "status": case.status,
                "status_label": str(case.get_status_display()),
                "recommendation": case.recommendation,
                "recommendation_label": str(case.get_recommendation_display()) if case.recommendation else "",
                "costs": _text(case.total_costs),
                "benefits": _text(case.total_benefits),
                "funding": _text(case.total_funding),
            }
            for case in cases
        ],
    }


MEASURE_SUBJECT = re.compile(r"^measure:(\d+)$")


def _risk_figures(programme: Programme, covered: set[int]) -> list[dict]:
    """The open warnings in their public form: a report goes beyond the team, so it names no people."""
    warnings = [w for w in risk_warnings(programme) if not w.acknowledged]
    for warning in warnings:
        match = MEASURE_SUBJECT.match(warning.subject)
        if match:
            covered.add(int(match.group(1)))
    return [
        {
            key: (str(value) if not isinstance(value, bool) else value)
            for key, value in w.as_public_dict().items()
        }
        for w in warnings
    ]


def report_figures(
    programme: Programme,
    *,
    period_start: date,
    period_end: date,
    sections,
    language: str,
    title: str,
    cadence="",
) -> dict:
    """The JSON-safe figures of a report: KPIs as of ``period_end``, the rest as it stands when built.

    Runs in the report's language, so every label and explanation is stored as the recipients read it.
    ``measure_ids`` lists the measures the figures cover: linked to a reported KPI, named in a milestone row,
    a business case or an open risk warning (``report_build`` links the report to them for the evidence trail).
    """
    sections = [s for s in SECTIONS if s in (sections or SECTIONS)]
    covered: set[int] = set()
    with translation.override(language):
        data = {
            "version": 1,
            "title": title,
            "language": language,
            "programme": {
                "title": programme.title,
                "organisation": programme.organisation.name,
                "phase_label": str(programme.get_phase_display()),
            },
            "cadence": cadence,
            "period_start": _text(period_start),
            "period_end": _text(period_end),
            "sections": sections,
            "generated_at": _text(timezone.now()),
        }
        if "kpis" in sections:
            data["kpis"] = _kpi_figures(programme, period_end, covered)
        if "milestones" in sections:
            data["milestones"] = _milestone_figures(programme, period_start, period_end, covered)
        if "gate" in sections:
            data["gate"] = _gate_figures(programme, period_start, period_end)
        if "business_cases" in sections:
            data["business_cases"] = _business_case_figures(programme, covered)
        if "risks" in sections:
            data["risks"] = _risk_figures(programme, covered)
        data["measure_ids"] = sorted(covered)
    return data


# --------------------------------------------------------------------------------------------------------------
# Rendering: from the figures only, so the stored HTML and a re-render read the same
# --------------------------------------------------------------------------------------------------------------


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _day(value) -> date | None:
    return None if not value else date.fromisoformat(value[:10])


def report_charts(data: dict) -> dict:
    charts = {}
    if "kpis" in data:
        charts["kpi_status"] = svgcharts.bar_chart_svg(
            [(row["label"], row["count"]) for row in data["kpis"]["status_counts"]], label=_("KPIs by status")
        )
        charts["kpis"] = {}
        for row in data["kpis"]["rows"]:
            series = [(_day(d), _dec(v)) for d, v in row["series"]]
            label = _("%(name)s: the latest values") % {"name": row["name"]}
            charts["kpis"][row["code"]] = {
                "sparkline": svgcharts.sparkline_svg(series, label=label),
                "line": svgcharts.line_chart_svg(
                    series,
                    target=[(_day(d), _dec(v)) for d, v in row["path"]],
                    width=360,
                    height=140,
                    label=_("%(name)s: measurements (solid) and target path (dashed)")
                    % {"name": row["name"]},
                    unit=row["unit"],
                ),
            }
    if "milestones" in data:
        charts["milestones"] = svgcharts.bar_chart_svg(
            [(row["label"], row["count"]) for row in data["milestones"]["by_status"]],
            label=_("Milestones by status"),
        )
    return charts


def _path_text(path: list) -> str:
    """The target path in words for the e-mail: "Target path: 10 (01.01.2025) → 20 (01.01.2026)"."""
    points = [
        f"{svgcharts._fmt(float(value))} ({formats.date_format(when, 'SHORT_DATE_FORMAT')})"
        for when, value in ((_day(d), _dec(v)) for d, v in path)
        if when is not None and value is not None
    ]
    return _("Target path: %(points)s") % {"points": " → ".join(points)} if points else ""


def report_mail_charts(data: dict) -> dict:
    """The charts of ``report_charts`` for the e-mail body: HTML tables instead of SVG (see ``mailcharts``)."""
    charts = {}
    if "kpis" in data:
        charts["kpi_status"] = mailcharts.bar_chart_html(
            [(row["label"], row["count"]) for row in data["kpis"]["status_counts"]], label=_("KPIs by status")
        )
        charts["kpis"] = {}
        for row in data["kpis"]["rows"]:
            series = [(_day(d), _dec(v)) for d, v in row["series"]]
            line = mailcharts.series_chart_html(
                series,
                label=_("%(name)s: the latest values by period") % {"name": row["name"]},
                unit=row["unit"],
            )
            path = _path_text(row["path"])
            if path:
                line = format_html('{}<p style="margin:0 0 8px;font-size:12px;">{}</p>', line, path)
            charts["kpis"][row["code"]] = {
                "sparkline": mailcharts.sparkline_html(
                    series, label=_("%(name)s: the latest values") % {"name": row["name"]}
                ),
                "line": line,
            }
    if "milestones" in data:
        charts["milestones"] = mailcharts.bar_chart_html(
            [(row["label"], row["count"]) for row in data["milestones"]["by_status"]],
            label=_("Milestones by status"),
        )
    return charts


def report_css() -> str:
    path = finders.find("css/report.css")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read().replace("</", "<\\/")


def report_context(data: dict) -> dict:
    return {"data": data, "charts": report_charts(data)}


def report_html(data: dict) -> str:
    """The self-contained HTML document of a report (inline CSS and SVG, no script, no external resource)."""
    with translation.override(data.get("language") or settings.LANGUAGE_CODE):
        return render_to_string(
            "reports/report.html",
            {**report_context(data), "css": mark_safe(report_css())},  # our own file
        )


def report_mail_html(data: dict) -> str:
    """The e-mail body: the snapshot's document with table-based charts, which mail clients show (no SVG).

    Rendered from the report's frozen figures (``Report.data``), so the e-mail says what the snapshot says.
    """
    with translation.override(data.get("language") or settings.LANGUAGE_CODE):
        return render_to_string(
            "reports/report.html",
            {
                "data": data,
                "charts": report_mail_charts(data),
                "css": mark_safe(report_css()),
            },  # our own file
        )


def report_text(data: dict, url: str) -> str:
    with translation.override(data.get("language") or settings.LANGUAGE_CODE):
        return render_to_string("emails/report.txt", {"data": data, "url": url})


# --------------------------------------------------------------------------------------------------------------
# Build and send
# --------------------------------------------------------------------------------------------------------------


def report_preview(*, schedule: ReportSchedule, today: date | None = None) -> dict:
    """The figures of the schedule's current period up to today; nothing is stored."""
    today = today or timezone.localdate()
    period = period_containing(schedule.cadence, today)
    with translation.override(schedule.language):
        title = _("Preview: %(title)s") % {
            "title": report_title(schedule.programme, schedule.cadence, Period(period.start, today))
        }
    return report_figures(
        schedule.programme,
        period_start=period.start,
        period_end=today,
        sections=schedule.sections,
        language=schedule.language,
        title=title,
        cadence=schedule.cadence,
    )


def report_build(*, report: Report) -> Report:
    """Freeze the figures as of the period end, render HTML and PDF; a report built once stays as it is."""
    with transaction.atomic():
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("programme__organisation", "schedule")
            .get(pk=report.pk)
        )
        if locked.status != Report.Status.BUILDING:
            return locked
        schedule = locked.schedule
        data = report_figures(
            locked.programme,
            period_start=locked.period_start,
            period_end=locked.period_end,
            sections=schedule.sections if schedule else SECTIONS,
            language=locked.language,
            title=locked.title,
            cadence=schedule.cadence if schedule else "",
        )
        html = report_html(data)
        pdf = None
        if exporters.pdf_available():
            try:
                pdf = exporters.html_to_pdf(html)
            except Exception:  # a PDF is a bonus: the HTML snapshot and the e-mail go out without it
                logger.exception("PDF of report %s failed", locked.pk)
        locked.data = data
        locked.html = html
        locked.pdf = pdf
        locked.status = Report.Status.BUILT
        locked.built_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["data", "html", "pdf", "status", "built_at", "error"])
        # The structured link the evidence trail follows (only measures of this programme, still existing).
        locked.measures.set(
            Measure.objects.filter(programme_id=locked.programme_id, pk__in=data["measure_ids"])
        )
    return locked


# Rules whose warnings named people before warnings had a public form (reports built until then carry the names).
RULES_THAT_NAMED_PEOPLE = {"programmes.unengaged_stakeholder", "concept.stale_content"}
MILESTONE_ROWS = ("overdue", "due_in_period", "quick_wins")


def _redacted_figures(data: dict, public_warnings: dict) -> dict:
    """A copy of a stored report's figures without names of people (see ``report_redact_personal_data``)."""
    data = json.loads(json.dumps(data))
    for key in MILESTONE_ROWS:
        for row in (data.get("milestones") or {}).get(key) or []:
            row.pop("owner", None)
    gate = data.get("gate") or {}
    for row in [*(gate.get("transitions") or []), *(gate.get("overrides_in_force") or [])]:
        row.pop("decided_by", None)
    for row in data.get("risks") or []:
        row.pop("acknowledgement_note", None)
        if row.get("rule") not in RULES_THAT_NAMED_PEOPLE:
            continue
        current = public_warnings.get((row.get("rule"), row.get("subject")))
        if current is not None:
            row["title"], row["explanation"] = str(current.title), str(current.explanation)
        else:  # the warning is gone: its people-free text cannot be rebuilt
            row["title"] = _("Risk warning (details removed to protect personal data)")
            row["explanation"] = _(
                "This warning named a person; the name was removed from the archived report."
            )
    return data


def report_redact_personal_data(*, report: Report, dry_run: bool = False) -> bool:
    """Remove names of people from a report built before reports were kept free of them; True if it changed.

    Drops milestone owners, the authors of phase decisions and acknowledgement notes from the stored figures,
    replaces the warnings of rules that named people by their public form (or a neutral text when the warning
    is gone), and renders HTML and PDF again from the redacted figures. Everything else stays as frozen; the
    e-mails already sent cannot be recalled.
    """
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).select_related("programme").get(pk=report.pk)
        if not locked.data or not locked.html:
            return False
        with translation.override(locked.language):
            public = {(w.rule, w.subject): w.public() for w in risk_registry.evaluate(locked.programme)}
            data = _redacted_figures(locked.data, public)
        if data == locked.data:
            return False
        if dry_run:
            return True
        data["redacted_at"] = _text(timezone.now())
        html = report_html(data)
        pdf = None
        if exporters.pdf_available():
            try:
                pdf = exporters.html_to_pdf(html)
            except Exception:  # the old PDF holds names: better none than that one
                logger.exception("PDF of redacted report %s failed", locked.pk)
        locked.data, locked.html, locked.pdf = data, html, pdf
        locked.save(update_fields=["data", "html", "pdf"])
    return True


def report_recipients(report: Report) -> list[str]:
    """Members (lead, member) and/or stakeholders of the programme, and the schedule's further addresses."""
    schedule = report.schedule
    if schedule is None:
        return []
    roles = []
    if schedule.send_to_members:
        roles += [Role.LEAD, Role.MEMBER]
    if schedule.send_to_stakeholders:
        roles.append(Role.STAKEHOLDER)
    addresses = list(
        Membership.objects.filter(programme_id=report.programme_id, role__in=roles, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    addresses += parse_addresses(schedule.extra_recipients)[0]
    unique, seen = [], set()
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def report_url(report: Report) -> str:
    programme = report.programme
    path = reverse(
        "programmes:transformation:report_detail",
        kwargs={**programme.url_kwargs, "report": report.pk},
    )
    return settings.SITE_URL + path


def _message(report: Report, address: str, url: str, html: str) -> EmailMultiAlternatives:
    with translation.override(report.language):
        subject = _("%(programme)s: KPI report %(start)s – %(end)s") % {
            "programme": report.programme.title,
            "start": formats.date_format(report.period_start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(report.period_end, "SHORT_DATE_FORMAT"),
        }
        message = EmailMultiAlternatives(subject=subject, body=report_text(report.data, url), to=[address])
    message.attach_alternative(html, "text/html")
    if report.pdf:
        message.attach(f"report-{report.period_start:%Y-%m-%d}.pdf", bytes(report.pdf), "application/pdf")
    return message


RETRYABLE = (ReportDelivery.Status.PENDING, ReportDelivery.Status.FAILED)


def _claim(delivery_id: int) -> bool:
    """pending/failed → sending, in a statement of its own that is committed before the mail goes out.

    Only one run wins the claim (the conditional UPDATE); the claim stays when the worker dies while sending,
    so a retry or a second run never mails that address again.
    """
    return bool(
        ReportDelivery.objects.filter(pk=delivery_id, status__in=RETRYABLE).update(
            status=ReportDelivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def report_send(*, report: Report) -> int:
    """E-mail the built report to every recipient not yet reached; returns how many were sent now.

    The deliveries are created once (the recipients as of the first sending). Each pending or failed one is
    claimed (committed as *sending*) before its e-mail goes out and marked *sent* after; so neither a retry nor
    a parallel or repeated run mails an address twice, even when a worker dies between sending and marking. A
    mail error marks the delivery *failed* and is raised after the others were tried (the task retries with
    backoff and mails only the failed ones). Call it outside a transaction, as the task does: the claim must be
    committed before sending.
    """
    report = Report.objects.select_related("programme__organisation", "schedule").get(pk=report.pk)
    if (
        report.status not in (Report.Status.BUILT, Report.Status.SENT, Report.Status.FAILED)
        or not report.html
    ):
        raise ValidationError(_("The report is not built yet."))
    if not report.deliveries.exists():
        for address in report_recipients(report):
            ReportDelivery.objects.get_or_create(report=report, email=address)
    url = report_url(report)
    html = report_mail_html(report.data)  # from the frozen figures, once for every recipient
    sent, failure = 0, None
    todo = list(report.deliveries.filter(status__in=RETRYABLE).order_by("email").values_list("pk", "email"))
    for pk, email in todo:
        if not _claim(pk):
            continue  # another run took it meanwhile
        try:
            _message(report, email, url, html).send()
        except Exception as error:  # recorded per address; the first error is raised below for a retry
            ReportDelivery.objects.filter(pk=pk).update(
                status=ReportDelivery.Status.FAILED, error=str(error)[:1000]
            )
            failure = failure or error
            continue
        ReportDelivery.objects.filter(pk=pk).update(
            status=ReportDelivery.Status.SENT, sent_at=timezone.now(), error=""
        )
        sent += 1
    if failure is not None:
        raise failure
    if report.deliveries.exists() and not report.deliveries.filter(status__in=RETRYABLE).exists():
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.SENT, sent_at=timezone.now(), error=""
        )
    return sent


def report_build_and_send(*, report_id: int) -> Report | None:
    """The task's work: build once, then mail those not yet reached. None when the report is gone."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return None
    report = report_build(report=report)
    report_send(report=report)
    return Report.objects.get(pk=report_id)
