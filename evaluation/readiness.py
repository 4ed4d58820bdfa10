"""Guidance for the readiness self-check: the question behind each dimension, and what each level 0–4 means
in that dimension (after seed 001 "Voraussetzungen für die digitale Stadt" and the method in DOMAIN.md).

Every level describes what a city at that level can show, so two people rating the same city reach the same
level: 0 nothing in place, 1 first ideas of single people, 2 agreed and planned, 3 working in practice,
4 measured and improved.
"""

from django.utils.translation import gettext_lazy as _

from .models import ReadinessDimension

LEVELS = {
    0: _("0 – not started"),
    1: _("1 – first ideas"),
    2: _("2 – planned"),
    3: _("3 – in place"),
    4: _("4 – established"),
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

GUIDANCE = {
    ReadinessDimension.VISION: {
        0: _(
            "There is no digital vision; digital projects start one by one, often with the technology first."
        ),
        1: _(
            "Single people speak of a digital vision, but it is not written down and the city's leadership does "
            "not stand behind it."
        ),
        2: _(
            "A vision and a strategy with target groups and citizen drivers are being worked out; council and "
            "city leadership are involved."
        ),
        3: _(
            "The council has adopted vision and strategy; the city's leadership communicates them, and projects "
            "are derived from them."
        ),
        4: _(
            "Vision and strategy are reviewed against KPIs and renewed regularly; staff and citizens know them."
        ),
    },
    ReadinessDimension.PEOPLE: {
        0: _("Nobody is responsible for digitalisation; it happens on the side, if at all."),
        1: _(
            "Committed individuals take care of it next to their regular work, without a mandate or planned time."
        ),
        2: _(
            "A responsible person or unit is agreed; the skills needed (project management, IT, digital "
            "marketing) are named."
        ),
        3: _(
            "A digital unit with a mandate and time of its own works across departments; staff are trained."
        ),
        4: _(
            "Skills are built up continuously; roles, decision paths and the cooperation of departments are "
            "reviewed and improved."
        ),
    },
    ReadinessDimension.INFRASTRUCTURE: {
        0: _("Networks, devices and IT security are not considered for new services; gaps are unknown."),
        1: _("Gaps (broadband, Wi-Fi, devices, hosting, security) are partly known, but nothing is planned."),
        2: _(
            "The needs are recorded; an expansion plan with responsibilities and a security concept are agreed."
        ),
        3: _(
            "Broadband and public Wi-Fi cover the town centre; hosting and IT security are in place and looked "
            "after."
        ),
        4: _("Availability and security are monitored, tested regularly and extended for new services."),
    },
    ReadinessDimension.DATA: {
        0: _("Data lie scattered across departments and systems; nobody knows what exists."),
        1: _("First data sets are known; they are exchanged by e-mail or by hand, if at all."),
        2: _(
            "A data inventory and rules (ownership, privacy, open data) are agreed; interfaces are planned."
        ),
        3: _(
            "Key data are maintained, published as open data where possible, and systems exchange them through "
            "interfaces."
        ),
        4: _(
            "Data quality and use are measured; data are linked with the region, the state and the federation "
            "and inform decisions."
        ),
    },
    ReadinessDimension.PARTICIPATION: {
        0: _(
            "Citizens, businesses and other stakeholders are not involved; decisions are made inside the "
            "administration."
        ),
        1: _("Stakeholders are informed now and then, but not asked for their view."),
        2: _("The stakeholders are mapped; formats to involve them (surveys, workshops) are planned."),
        3: _(
            "Citizens, retailers and other stakeholders take part in surveys and workshops regularly; their "
            "input shapes the measures."
        ),
        4: _(
            "Participation is part of every phase; the programme reports back what became of the input and "
            "improves its formats."
        ),
    },
    ReadinessDimension.FUNDING: {
        0: _("There is no money for digital measures, or nobody knows which."),
        1: _("Costs are roughly known; single measures are paid case by case or from one funding programme."),
        2: _(
            "Investment and running costs are estimated and funding sources named; a funding application or a "
            "budget item is being prepared."
        ),
        3: _(
            "Investment and running costs are in the budget or secured by funding, including operation after "
            "the funding period."
        ),
        4: _(
            "Financing is planned over several years; business cases and KPIs show the benefit, and the budget "
            "follows the results."
        ),
    },
}
