"""Guidance for the readiness self-check: what each level means, and the question behind each dimension."""

from django.utils.translation import gettext_lazy as _

from .models import ReadinessDimension

LEVELS = {
    0: _("0 – not started: nothing in place, nobody responsible"),
    1: _("1 – first ideas: the need is recognised, single people take care of it"),
    2: _("2 – planned: goals, responsibilities and first resources are agreed"),
    3: _("3 – in place: it works in day-to-day practice and is used"),
    4: _("4 – established: it is measured, reviewed and improved regularly"),
}

QUESTIONS = {
    ReadinessDimension.VISION: _(
        "Is there a digital vision and a strategy that council and administration support?"
    ),
    ReadinessDimension.PEOPLE: _("Are there people with time, skills and a mandate to run the programme?"),
    ReadinessDimension.INFRASTRUCTURE: _(
        "Are networks, devices, hosting and IT security ready for new services?"
    ),
    ReadinessDimension.DATA: _("Are data available, open where possible, and can systems exchange them?"),
    ReadinessDimension.PARTICIPATION: _(
        "Are citizens, businesses and other stakeholders involved from the start?"
    ),
    ReadinessDimension.FUNDING: _(
        "Are investment and running costs financed beyond a single funding period?"
    ),
}
