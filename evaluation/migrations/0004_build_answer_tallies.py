"""Build the answer tallies for the responses stored before tallies existed."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Q


def _slot(point_id, choice_id=None, number=None):
    slot = f"p{point_id or 0}"
    if choice_id is not None:
        return f"{slot}:c{choice_id}"
    if number is not None:
        return f"{slot}:n{format(Decimal(number).quantize(Decimal('0.01')), 'f')}"
    return slot


def build(apps, schema_editor):
    Answer = apps.get_model("evaluation", "Answer")
    AnswerTally = apps.get_model("evaluation", "AnswerTally")
    AnswerTally.objects.all().delete()
    answers = Answer.objects.order_by()
    rows = []
    valued = (
        answers.filter(Q(choice__isnull=False) | Q(number__isnull=False))
        .values("response__wave_id", "response__collection_point_id", "question_id", "choice_id", "number")
        .annotate(n=Count("id"))
    )
    for row in valued:
        point = row["response__collection_point_id"]
        rows.append(
            AnswerTally(
                wave_id=row["response__wave_id"],
                collection_point_id=point,
                question_id=row["question_id"],
                choice_id=row["choice_id"],
                number=None if row["choice_id"] is not None else row["number"],
                slot=_slot(point, row["choice_id"], row["number"]),
                count=row["n"],
            )
        )
    respondents = answers.values("response__wave_id", "response__collection_point_id", "question_id").annotate(
        n=Count("response_id", distinct=True)
    )
    for row in respondents:
        point = row["response__collection_point_id"]
        rows.append(
            AnswerTally(
                wave_id=row["response__wave_id"],
                collection_point_id=point,
                question_id=row["question_id"],
                slot=_slot(point),
                count=row["n"],
            )
        )
    AnswerTally.objects.bulk_create(rows, batch_size=2000)


def clear(apps, schema_editor):
    apps.get_model("evaluation", "AnswerTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_answer_tallies")]

    operations = [migrations.RunPython(build, clear)]
