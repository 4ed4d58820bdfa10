"""A minimum segment size per programme (surveys override it), and evidence documents and workshops.

Until now every survey carried its own threshold, 5 unless changed. A survey at 5 now follows its programme
(whose default is 5 as well), so nothing changes on the day of the upgrade, and a survey with another value
keeps it as its override. Workshop evidence created from a workshop output links its workshop.
"""

import django.core.validators
import django.db.models.deletion
import evaluation.models
from django.conf import settings
from django.db import migrations, models




def surveys_follow_programme(apps, schema_editor):
    Survey = apps.get_model("evaluation", "Survey")
    Survey.objects.filter(small_cell_threshold=5).update(small_cell_threshold=None)


def surveys_keep_own_threshold(apps, schema_editor):
    Survey = apps.get_model("evaluation", "Survey")
    EvaluationSettings = apps.get_model("evaluation", "EvaluationSettings")
    thresholds = dict(EvaluationSettings.objects.values_list("programme_id", "small_cell_threshold"))
    for survey in Survey.objects.filter(small_cell_threshold__isnull=True):
        survey.small_cell_threshold = thresholds.get(survey.programme_id, 5)
        survey.save(update_fields=["small_cell_threshold"])


def link_workshops(apps, schema_editor):
    Evidence = apps.get_model("evaluation", "Evidence")
    Workshop = apps.get_model("programmes", "Workshop")
    for evidence in Evidence.objects.filter(kind="workshop", workshop__isnull=True).select_related("finding"):
        workshop_id = (evidence.snapshot or {}).get("workshop_id")
        if not isinstance(workshop_id, int):
            continue
        if Workshop.objects.filter(pk=workshop_id, programme_id=evidence.finding.programme_id).exists():
            evidence.workshop_id = workshop_id
            evidence.save(update_fields=["workshop"])


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0008_survey_rate_limit_and_import_batches'),
        ('programmes', '0004_workshop_anonymity_lock_and_guest_link_revocation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EvaluationSettings',
            fields=[
                ('programme', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='evaluation_settings', serialize=False, to='programmes.programme', verbose_name='programme')),
                ('small_cell_threshold', models.PositiveSmallIntegerField(default=5, help_text='Segments with fewer responses are hidden in the results of every survey of the programme, to protect anonymity. A survey may set its own value.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='minimum segment size')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'evaluation settings',
                'verbose_name_plural': 'evaluation settings',
            },
        ),
        migrations.RemoveConstraint(
            model_name='survey',
            name='survey_threshold_positive',
        ),
        migrations.AddField(
            model_name='evidence',
            name='document',
            field=models.FileField(blank=True, max_length=200, upload_to=evaluation.models.evidence_document_path, verbose_name='document'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='document_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='file name'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='workshop',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.workshop', verbose_name='workshop'),
        ),
        migrations.AlterField(
            model_name='survey',
            name='small_cell_threshold',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Segments with fewer responses are hidden in the results to protect anonymity. Leave empty to use the programme's setting.", null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='minimum segment size'),
        ),
        migrations.AddConstraint(
            model_name='survey',
            constraint=models.CheckConstraint(condition=models.Q(('small_cell_threshold__isnull', True), ('small_cell_threshold__gte', 1), _connector='OR'), name='survey_threshold_positive'),
        ),
        migrations.AddConstraint(
            model_name='evaluationsettings',
            constraint=models.CheckConstraint(condition=models.Q(('small_cell_threshold__gte', 1)), name='evaluation_settings_threshold_positive'),
        ),
        migrations.RunPython(surveys_follow_programme, surveys_keep_own_threshold),
        migrations.RunPython(link_workshops, migrations.RunPython.noop),
    ]
