"""Signal receivers that keep survey-fed KPIs up to date (connected in TransformationConfig.ready()).

Evaluation closes a wave in two ways: ``wave_start`` closes the running wave with a queryset update and then
saves the new wave, and ``survey_close`` saves the survey and then closes its waves with an update. So both a
saved Wave (refresh at once: the closed wave is already written) and a saved Survey (refresh after the commit,
when its waves are closed) refresh the KPIs fed by that survey. Responses imported or deleted through
Evaluation's services save no wave or survey; for them Evaluation sends ``evaluation.signals.responses_changed``
inside its transaction, and the KPIs are refreshed at once. Transformation may import evaluation, never the
other way round, which is why the receivers live here.
"""

import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _refresh(survey_id: int) -> None:
    """Refresh the survey's KPIs; a failure is logged and never breaks the survey action that caused it."""
    from .models import KPI
    from .services_kpis import kpi_refresh_from_survey

    kpis = list(
        KPI.objects.filter(source_question__survey_id=survey_id).select_related("source_question__survey")
    )
    for kpi in kpis:
        try:
            with transaction.atomic():
                kpi_refresh_from_survey(kpi=kpi)
        except Exception:
            logger.exception("survey-fed KPI %s could not be refreshed", kpi.pk)


def wave_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _refresh(instance.survey_id)


def survey_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    transaction.on_commit(partial(_refresh, instance.pk))


def responses_changed(sender, survey_id, **kwargs) -> None:
    _refresh(survey_id)


def connect() -> None:
    from evaluation.signals import responses_changed as responses_changed_signal

    responses_changed_signal.connect(responses_changed, dispatch_uid="transformation.kpis.responses_changed")
    post_save.connect(wave_saved, sender="evaluation.Wave", dispatch_uid="transformation.kpis.wave_saved")
    post_save.connect(
        survey_saved, sender="evaluation.Survey", dispatch_uid="transformation.kpis.survey_saved"
    )
