"""The hub's own risk rules (stakeholders), registered in ProgrammesConfig.ready(). One query per rule."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Stakeholder, StakeholderGroup
from .risks import RiskWarning

UNENGAGED_STAKEHOLDER = "programmes.unengaged_stakeholder"
HIGH_INFLUENCE = 4


def unengaged_stakeholder_rule(programme):
    """A stakeholder with influence of 4 or more has never been engaged (no date of last contact)."""
    rows = (
        Stakeholder.objects.filter(
            programme=programme, influence__gte=HIGH_INFLUENCE, last_engaged_on__isnull=True
        )
        .values("pk", "name", "group", "influence")
        .order_by("-influence", "name")
    )
    for row in rows:
        group = (
            StakeholderGroup(row["group"]).label if row["group"] in StakeholderGroup.values else row["group"]
        )
        yield RiskWarning(
            rule=UNENGAGED_STAKEHOLDER,
            title=_("Influential stakeholder never engaged: %(name)s") % {"name": row["name"]},
            # Outside the team (shared link, reports) the stakeholder is named by group only: often a person.
            public_title=_("Influential stakeholder never engaged (group: %(group)s)") % {"group": group},
            explanation=_(
                "Influence %(influence)d of 5, but no contact is recorded. Those who can stop the programme "
                "must be won early; record when you last spoke with them."
            )
            % {"influence": row["influence"]},
            url=reverse("programmes:stakeholder_edit", kwargs={**programme.url_kwargs, "pk": row["pk"]}),
            subject=f"stakeholder:{row['pk']}",
            fingerprint=f"influence:{row['influence']}",
        )


RULES = [(UNENGAGED_STAKEHOLDER, unengaged_stakeholder_rule)]
