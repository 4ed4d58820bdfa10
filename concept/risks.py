"""Risk rules of Konzeption for the risk radar (registered in ConceptConfig.ready()). One query per rule."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Evidence
from programmes.gates import Threshold
from programmes.models import Phase
from programmes.risks import RiskWarning, risk_registry

from .models import STALE_AFTER_DAYS, Feasibility, Measure, Touchpoint

NO_EVIDENCE = "concept.no_evidence"
TECHNOLOGY_FIRST = "concept.technology_first"
OPERATING_GAP = "concept.operating_gap"
STALE_CONTENT = "concept.stale_content"

CHOSEN = [Measure.Status.SELECTED, Measure.Status.IMPLEMENTATION]

THRESHOLDS = {
    STALE_CONTENT: [
        Threshold(
            "days",
            gettext_lazy("Days after which a touchpoint's content counts as stale"),
            default=STALE_AFTER_DAYS,
            min_value=7,
            max_value=3650,
        )
    ],
}


def stale_after_days(programme) -> int:
    """The programme's staleness period for touchpoint content (default 365 days)."""
    return risk_registry.threshold(programme, STALE_CONTENT, "days")


def _url(programme, name: str, **kwargs) -> str:
    return reverse(f"programmes:konzeption:{name}", kwargs={**programme.url_kwargs, **kwargs})


def no_evidence_rule(programme):
    """A selected measure (or one in implementation) answers no finding that has evidence."""
    with_evidence = Evidence.objects.filter(finding__measures=OuterRef("pk"))
    rows = (
        Measure.objects.filter(programme=programme, status__in=CHOSEN)
        .annotate(has_evidence=Exists(with_evidence))
        .filter(has_evidence=False)
        .values("pk", "title")
        .order_by("title")
    )
    for row in rows:
        yield RiskWarning(
            rule=NO_EVIDENCE,
            title=_("“%(title)s” was chosen without visitor evidence") % {"title": row["title"]},
            explanation=_(
                "The measure answers no finding backed by a survey result or other evidence. Seed 000's "
                "vicious circle starts here: the city does what seems modern, not what visitors need. Link "
                "the measure to a finding with evidence, or reconsider it."
            ),
            url=_url(programme, "measure_detail", pk=row["pk"]),
            subject=f"measure:{row['pk']}",
        )


def technology_first_rule(programme):
    """A provider was picked while the programme is still in Evaluation or the measure answers no finding."""
    in_evaluation = programme.phase == Phase.EVALUATION
    rows = (
        Feasibility.objects.filter(measure__programme=programme, chosen_provider__isnull=False)
        .exclude(measure__status=Measure.Status.REJECTED)
        .annotate(
            has_finding=Exists(Measure.findings.through.objects.filter(measure_id=OuterRef("measure_id")))
        )
        .values("measure_id", "measure__title", "chosen_provider_id", "chosen_provider__name", "has_finding")
        .order_by("measure__title")
    )
    for row in rows:
        if not in_evaluation and row["has_finding"]:
            continue
        if in_evaluation:
            reason = _("the programme is still in Evaluation")
        else:
            reason = _("the measure answers no finding yet")
        yield RiskWarning(
            rule=TECHNOLOGY_FIRST,
            title=_("Technology chosen before the evaluation: “%(title)s”")
            % {"title": row["measure__title"]},
            explanation=_(
                "The provider “%(provider)s” is already chosen, but %(reason)s. Buying technology first is "
                "the typical start of the dead horse: choose the provider once the visitors' needs are known."
            )
            % {"provider": row["chosen_provider__name"], "reason": reason},
            url=_url(programme, "providers", pk=row["measure_id"]),
            subject=f"measure:{row['measure_id']}",
            fingerprint=f"provider:{row['chosen_provider_id']}:{'evaluation' if in_evaluation else 'no_finding'}",
        )


def operating_gap_rule(programme):
    """A chosen measure states no operating effort (staff hours) or no one who maintains its content."""
    rows = (
        Measure.objects.filter(programme=programme, status__in=CHOSEN)
        .values("pk", "title", "feasibility__staff_hours_per_month", "feasibility__content_maintenance")
        .order_by("title")
    )
    for row in rows:
        missing, gaps = [], []
        if not row["feasibility__staff_hours_per_month"]:
            missing.append(_("staff hours per month"))
            gaps.append("staff_hours")
        if not (row["feasibility__content_maintenance"] or "").strip():
            missing.append(_("who maintains the content"))
            gaps.append("content_owner")
        if not missing:
            continue
        yield RiskWarning(
            rule=OPERATING_GAP,
            title=_("Operating effort or content owner missing: “%(title)s”") % {"title": row["title"]},
            explanation=_(
                "Missing: %(missing)s. Cities underestimate the effort of running a digital offer; without "
                "a named owner the content goes stale and users drop off."
            )
            % {"missing": ", ".join(str(m) for m in missing)},
            url=_url(programme, "feasibility", pk=row["pk"]),
            subject=f"measure:{row['pk']}",
            fingerprint="missing:" + ",".join(gaps),
        )


def stale_content_rule(programme):
    """A touchpoint's content was last updated more than the programme's staleness period ago, or never."""
    days = stale_after_days(programme)
    limit = timezone.localdate() - timedelta(days=days)
    rows = (
        Touchpoint.objects.filter(stage__programme=programme)
        .filter(Q(last_content_update__lt=limit) | Q(last_content_update__isnull=True))
        .values("pk", "name", "owner", "last_content_update")
        .order_by(F("last_content_update").asc(nulls_first=True), "name", "pk")
    )
    consequence = _("Stale, provider-oriented content drives visitors away.")
    for row in rows:
        owner = row["owner"] or _("nobody named")
        updated = row["last_content_update"]
        if updated is None:
            title = _("No content update recorded: “%(name)s”") % {"name": row["name"]}
            fact = _("Nobody has recorded when the content was last checked or updated.")
            advice = _("Check the content and enter the date of its last update.")
            fingerprint = "updated:never"
        else:
            title = _("Content not updated: “%(name)s”") % {"name": row["name"]}
            fact = _("Last content update on %(date)s, more than %(days)d days ago.") % {
                "date": date_format(updated, "SHORT_DATE_FORMAT"),
                "days": days,
            }
            advice = ""
            fingerprint = f"updated:{updated.isoformat()}"
        responsible = _("Owner: %(owner)s.") % {"owner": owner}
        yield RiskWarning(
            rule=STALE_CONTENT,
            title=title,
            explanation=" ".join(str(part) for part in (fact, responsible, consequence, advice) if part),
            # The owner is often a person: outside the team the warning names the touchpoint only.
            public_explanation=" ".join(str(part) for part in (fact, consequence, advice) if part),
            url=_url(programme, "touchpoint_edit", pk=row["pk"]),
            subject=f"touchpoint:{row['pk']}",
            fingerprint=fingerprint,
        )


RULES = [
    (NO_EVIDENCE, no_evidence_rule),
    (TECHNOLOGY_FIRST, technology_first_rule),
    (OPERATING_GAP, operating_gap_rule),
    (STALE_CONTENT, stale_content_rule),
]
