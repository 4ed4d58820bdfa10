"""Pre-aggregated answer counts (``AnswerTally``), kept in step with the answers in the same transaction.

Writes go through one ``INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count`` statement,
which PostgreSQL and SQLite (3.24+) both understand: concurrent submissions add to the same row without lost
updates, and the rows of a statement are sorted so that two transactions lock them in the same order.

A response counts in shard ``response id % TALLY_SHARDS`` (its removal too, so it is deterministic): concurrent
submissions then mostly touch different rows instead of waiting for each other's commit.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Mod

from .models import TALLY_SHARDS, Answer, AnswerTally, Response, Survey, Wave

CENT = Decimal("0.01")
BATCH = 500

Key = tuple[int, int | None, int, str, int]  # wave, collection point, question, slot, shard


def number_key(number) -> str:
    return format(Decimal(number).quantize(CENT), "f")


def shard_for(response_id: int) -> int:
    return response_id % TALLY_SHARDS


def slot_for(point_id: int | None, *, choice_id: int | None = None, number=None) -> str:
    slot = f"p{point_id or 0}"
    if choice_id is not None:
        return f"{slot}:c{choice_id}"
    if number is not None:
        return f"{slot}:n{number_key(number)}"
    return slot


class TalliesOutOfStep(Exception):
    """A decrement found fewer counts than expected (e.g. a point was deleted outside the services)."""


class TallyCounter:
    """Collects count changes per tally row before they are written in one statement."""

    def __init__(self) -> None:
        self.deltas: dict[Key, int] = defaultdict(int)
        self.values: dict[Key, tuple[int | None, Decimal | None]] = {}

    def add_response(
        self,
        *,
        response_id: int,
        wave_id: int,
        point_id: int | None,
        answers: Iterable[Mapping],
        sign: int = 1,
    ):
        """Count one response's answers (mappings with question_id and choice_id or number)."""
        shard = shard_for(response_id)
        answered = set()
        for answer in answers:
            question_id = answer["question_id"]
            answered.add(question_id)
            choice_id, number = answer.get("choice_id"), answer.get("number")
            if choice_id is not None or number is not None:
                number = None if choice_id is not None else Decimal(number).quantize(CENT)
                slot = slot_for(point_id, choice_id=choice_id, number=number)
                key = (wave_id, point_id, question_id, slot, shard)
                self.deltas[key] += sign
                self.values[key] = (choice_id, number)
        for question_id in answered:
            key = (wave_id, point_id, question_id, slot_for(point_id), shard)
            self.deltas[key] += sign
            self.values[key] = (None, None)

    def save(self) -> None:
        """Apply the collected changes atomically (one upsert per batch of rows)."""
        items = sorted(
            ((key, delta) for key, delta in self.deltas.items() if delta),
            key=lambda item: (item[0][0], item[0][2], item[0][3], item[0][4]),
        )
        if not items:
            return
        increments = [item for item in items if item[1] > 0]
        table = connection.ops.quote_name(AnswerTally._meta.db_table)
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            for key, delta in items:
                if delta < 0:
                    # the check constraint also applies to the row proposed by an upsert, so decrement apart
                    wave_id, _point_id, question_id, slot, shard = key
                    updated = AnswerTally.objects.filter(
                        wave_id=wave_id, question_id=question_id, slot=slot, shard=shard, count__gte=-delta
                    ).update(count=F("count") + delta)
                    if updated != 1:
                        raise TalliesOutOfStep(key)
            for start in range(0, len(increments), BATCH):
                chunk = increments[start : start + BATCH]
                params: list = []
                for key, delta in chunk:
                    wave_id, point_id, question_id, slot, shard = key
                    choice_id, number = self.values[key]
                    params += [wave_id, point_id, question_id, choice_id, number, slot, shard, delta]
                placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} "  # noqa: S608 - identifiers from the model, values as parameters
                    "(wave_id, collection_point_id, question_id, choice_id, number, slot, shard, count) "
                    f"VALUES {placeholders} "
                    "ON CONFLICT (wave_id, question_id, slot, shard) "
                    f"DO UPDATE SET count = {table}.count + excluded.count",
                    params,
                )
        self.deltas.clear()
        self.values.clear()


def count_submission(*, response: Response, rows: Iterable[Mapping]) -> None:
    """Add a just-saved response (rows as validated by ``answers_validate``) to the tallies."""
    counter = TallyCounter()
    counter.add_response(
        response_id=response.pk,
        wave_id=response.wave_id,
        point_id=response.collection_point_id,
        answers=[
            {
                "question_id": row["question"].pk,
                "choice_id": row["choice"].pk if row.get("choice") is not None else None,
                "number": row.get("number"),
            }
            for row in rows
        ],
    )
    counter.save()


def uncount_responses(responses) -> None:
    """Remove responses (a queryset, before they are deleted) from the tallies.

    Raises TalliesOutOfStep, with nothing changed, when the tallies don't hold these counts; rebuild then.
    """
    answers: dict[int, list[dict]] = defaultdict(list)
    for row in Answer.objects.filter(response__in=responses).values(
        "response_id", "question_id", "choice_id", "number"
    ):
        answers[row["response_id"]].append(row)
    counter = TallyCounter()
    for response in responses.values("pk", "wave_id", "collection_point_id"):
        counter.add_response(
            response_id=response["pk"],
            wave_id=response["wave_id"],
            point_id=response["collection_point_id"],
            answers=answers.get(response["pk"], []),
            sign=-1,
        )
    with transaction.atomic():
        counter.save()


@transaction.atomic
def rebuild(*, survey: Survey | None = None) -> int:
    """Recompute the tallies of one survey (or of all) from the answers; returns the number of rows."""
    waves = Wave.objects.all() if survey is None else Wave.objects.filter(survey=survey)
    if connection.vendor == "postgresql":
        # Wait for running submissions and hold new ones until the rebuilt rows are committed: a submission
        # is then either in the recount or adds itself afterwards, never both (SQLite serialises writers).
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(AnswerTally._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    AnswerTally.objects.filter(wave__in=waves).delete()
    answers = (
        Answer.objects.filter(response__wave__in=waves)
        .order_by()
        .annotate(shard=Mod(F("response_id"), TALLY_SHARDS))
    )
    rows = []
    valued = (
        answers.filter(Q(choice__isnull=False) | Q(number__isnull=False))
        .values(
            "response__wave_id",
            "response__collection_point_id",
            "question_id",
            "choice_id",
            "number",
            "shard",
        )
        .annotate(n=Count("id"))
    )
    for row in valued:
        point_id = row["response__collection_point_id"]
        rows.append(
            AnswerTally(
                wave_id=row["response__wave_id"],
                collection_point_id=point_id,
                question_id=row["question_id"],
                choice_id=row["choice_id"],
                number=None if row["choice_id"] is not None else row["number"],
                slot=slot_for(point_id, choice_id=row["choice_id"], number=row["number"]),
                shard=row["shard"],
                count=row["n"],
            )
        )
    respondents = answers.values(
        "response__wave_id", "response__collection_point_id", "question_id", "shard"
    ).annotate(n=Count("response_id", distinct=True))
    for row in respondents:
        point_id = row["response__collection_point_id"]
        rows.append(
            AnswerTally(
                wave_id=row["response__wave_id"],
                collection_point_id=point_id,
                question_id=row["question_id"],
                slot=slot_for(point_id),
                shard=row["shard"],
                count=row["n"],
            )
        )
    AnswerTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def insert_submission(response: Response, rows: Iterable[Mapping]) -> None:
    """Store a new response, its answers and its counts in one PostgreSQL statement; sets ``response.pk``.

    The public submission path is bound by round trips to the database, not by work in it: the ORM needs five
    (BEGIN, the response, the answers, the counts, COMMIT). Data-modifying common table expressions do it in one
    statement, which PostgreSQL runs atomically even in autocommit: all three inserts land or none. The counts
    go to shard ``id % TALLY_SHARDS`` of the new id, the same rule as ``TallyCounter``.
    """
    rows = list(rows)
    counter = TallyCounter()
    counter.add_response(
        response_id=0,  # the shard is computed in the statement from the id it assigns
        wave_id=response.wave_id,
        point_id=response.collection_point_id,
        answers=[
            {
                "question_id": row["question"].pk,
                "choice_id": row["choice"].pk if row.get("choice") is not None else None,
                "number": row.get("number"),
            }
            for row in rows
        ],
    )
    quote = connection.ops.quote_name
    response_table = quote(Response._meta.db_table)
    answer_table = quote(Answer._meta.db_table)
    tally_table = quote(AnswerTally._meta.db_table)
    params: list = [
        response.wave_id,
        response.collection_point_id,
        response.submitted_at,
        response.client_hash,
        response.language,
    ]
    sql = [
        f"WITH r AS (INSERT INTO {response_table} "  # noqa: S608 - identifiers from the models
        "(wave_id, collection_point_id, submitted_at, client_hash, language) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id)"
    ]
    if rows:
        values = ", ".join(["(%s::bigint, %s::bigint, %s::numeric, %s::text)"] * len(rows))
        for row in rows:
            choice = row.get("choice")
            params += [row["question"].pk, choice.pk if choice is not None else None, row.get("number")]
            params.append(row.get("text", ""))
        sql.append(
            f", a AS (INSERT INTO {answer_table} (response_id, question_id, choice_id, number, text) "  # noqa: S608
            f"SELECT r.id, v.q, v.c, v.n, v.t FROM r, (VALUES {values}) AS v(q, c, n, t))"
        )
    items = sorted(
        (key, delta)
        for key, delta in counter.deltas.items()
        if delta  # (question, slot) order: lock order
    )
    if items:
        values = ", ".join(["(%s::bigint, %s::bigint, %s::numeric, %s::text, %s::integer)"] * len(items))
        params += [response.wave_id, response.collection_point_id]
        for key, delta in items:
            _wave_id, _point_id, question_id, slot, _shard = key
            choice_id, number = counter.values[key]
            params += [question_id, choice_id, number, slot, delta]
        sql.append(
            f", t AS (INSERT INTO {tally_table} "  # noqa: S608
            "(wave_id, collection_point_id, question_id, choice_id, number, slot, shard, count) "
            f"SELECT %s::bigint, %s::bigint, v.q, v.c, v.n, v.s, r.id %% {TALLY_SHARDS}, v.d "
            f"FROM r, (VALUES {values}) AS v(q, c, n, s, d) ORDER BY v.q, v.s "
            "ON CONFLICT (wave_id, question_id, slot, shard) "
            f"DO UPDATE SET count = {tally_table}.count + excluded.count)"
        )
    sql.append(" SELECT id FROM r")
    with connection.cursor() as cursor:
        cursor.execute("".join(sql), params)
        response.pk = cursor.fetchone()[0]
    response._state.adding = False
    response._state.db = connection.alias
