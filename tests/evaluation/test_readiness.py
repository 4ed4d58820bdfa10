import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import ReadinessAssessment, ReadinessDimension
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix

pytestmark = pytest.mark.django_db

LEVELS = {"vision": 3, "people": 2, "infrastructure": 1, "data": 0, "participation": 4, "funding": 2}


def test_assess_keeps_history_and_validates(world):
    first = services.readiness_assess(programme=world.programme, levels=LEVELS)
    second = services.readiness_assess(
        programme=world.programme, levels={**LEVELS, "data": 2}, notes={"data": "Open-Data-Portal"}
    )
    assert list(ReadinessAssessment.objects.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert second.scores.get(dimension="data").note == "Open-Data-Portal"
    with pytest.raises(ValidationError, match="every dimension"):
        services.readiness_assess(programme=world.programme, levels={"vision": 1})
    with pytest.raises(ValidationError):
        services.readiness_assess(programme=world.programme, levels={**LEVELS, "vision": 5})
    with pytest.raises(ValidationError):
        services.readiness_assess(programme=world.programme, levels={**LEVELS, "weather": 1})
    assert ReadinessAssessment.objects.count() == 2


def test_assess_from_a_list_of_scores_refuses_a_dimension_rated_twice(world):
    scores = [{"dimension": d, "level": level, "note": ""} for d, level in LEVELS.items()]
    with pytest.raises(ValidationError) as excinfo:
        services.readiness_assess_scores(
            programme=world.programme, scores=[*scores, {"dimension": "vision", "level": 0, "note": ""}]
        )
    assert set(excinfo.value.message_dict) == {"scores"}
    assert not ReadinessAssessment.objects.exists()

    assessment = services.readiness_assess_scores(programme=world.programme, scores=scores, comment="Start")
    assert {s.dimension: s.level for s in assessment.scores.all()} == LEVELS
    assert assessment.comment == "Start"


def test_page_matrix_and_post(client_as, world, django_assert_max_num_queries):
    services.readiness_assess(programme=world.programme, levels=LEVELS)
    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    view = {
        "anonymous": REDIRECT,
        "stakeholder": OK,
        "member": OK,
        "lead": OK,
        "other_lead": NOT_FOUND,
        "org_admin": OK,
    }
    check_matrix(client_as, target, view)
    data = {f"level_{d}": 1 for d in ReadinessDimension.values}
    post = {**view, "stakeholder": FORBIDDEN, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}
    check_matrix(client_as, target, post, method="post", data=data)
    assert ReadinessAssessment.objects.count() == 4
    client = client_as("member")
    with django_assert_max_num_queries(14):
        page = client.get(target)
    html = page.content.decode()
    assert 'id="readiness-chart-data"' in html and 'id="readiness-history"' in html
    invalid = client.post(target, {"level_vision": 9})
    assert invalid.status_code == 200 and "kern-error" in invalid.content.decode()
    assert ReadinessAssessment.objects.count() == 4


def test_api(api_as, world):
    api = api_as("member")
    scores = [{"dimension": d, "level": lvl} for d, lvl in LEVELS.items()]
    created = api.post(
        reverse("api:readiness-assessment-list"),
        {"programme": world.programme.pk, "scores": scores, "comment": "Erste Einschätzung"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert {s["dimension"]: s["level"] for s in created.json()["scores"]} == LEVELS
    twice = api.post(
        reverse("api:readiness-assessment-list"),
        {"programme": world.programme.pk, "scores": [*scores, scores[0]]},
        format="json",
    )
    assert twice.status_code == 400
    missing = api.post(
        reverse("api:readiness-assessment-list"),
        {"programme": world.programme.pk, "scores": scores[:2]},
        format="json",
    )
    assert missing.status_code == 400
    assert (
        api_as("stakeholder")
        .post(
            reverse("api:readiness-assessment-list"),
            {"programme": world.programme.pk, "scores": scores},
            format="json",
        )
        .status_code
        == 403
    )
    assert api_as("stakeholder").get(reverse("api:readiness-assessment-list")).json()["count"] == 1
    assert api_as("other_lead").get(reverse("api:readiness-assessment-list")).json()["count"] == 0


def chart_of(html: str) -> dict:
    import json

    return json.loads(html.split('id="readiness-chart-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])


def test_radar_overlays_the_latest_and_an_earlier_check_with_a_table_of_all(client_as, world):
    first = services.readiness_assess(programme=world.programme, levels=LEVELS)
    services.readiness_assess(programme=world.programme, levels={**LEVELS, "data": 1})
    services.readiness_assess(programme=world.programme, levels={**LEVELS, "data": 3, "vision": 4})
    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    client = client_as("stakeholder")
    html = client.get(target).content.decode()
    chart = chart_of(html)
    assert chart["kind"] == "radar" and len(chart["labels"]) == 6
    latest, earlier = chart["datasets"]
    assert latest["label"].startswith("Latest check (") and earlier["label"].startswith("Earlier check (")
    assert earlier["earlier"] is True and "earlier" not in latest
    data = chart["labels"].index("Data & connectivity")
    assert (latest["values"][data], earlier["values"][data]) == (3, 1)  # the previous check by default
    # the table beside holds the same figures with the change per dimension
    latest_table = html.split('id="readiness-latest"', 1)[1].split("</table>", 1)[0]
    assert '<td class="kern-table__cell kern-table__cell--numeric">+2</td>' in latest_table
    # every check in the history table, one row each
    history_table = html.split('id="readiness-history"', 1)[1].split("</table>", 1)[0]
    assert history_table.count('<th class="kern-table__cell" scope="row">') == 3
    # an earlier check of one's choice (a select without JavaScript), else the previous one
    assert 'name="compare"' in html and html.count("<option value=") == 2
    chosen = chart_of(client.get(target, {"compare": first.pk}).content.decode())
    assert chosen["datasets"][1]["values"][data] == 0
    for bogus in ("x", "999999", str(ReadinessAssessment.objects.order_by("-assessed_at").first().pk)):
        fallback = chart_of(client.get(target, {"compare": bogus}).content.decode())
        assert fallback["datasets"][1]["values"][data] == 1, bogus


def test_radar_with_one_check_draws_it_alone(client_as, world):
    services.readiness_assess(programme=world.programme, levels=LEVELS)
    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    html = client_as("member").get(target).content.decode()
    assert len(chart_of(html)["datasets"]) == 1
    assert 'name="compare"' not in html and "Level on" not in html


@pytest.mark.parametrize("count", [3, 20])
def test_readiness_page_query_count_is_fixed(client_as, world, count, django_assert_max_num_queries):
    for number in range(count):
        services.readiness_assess(programme=world.programme, levels={**LEVELS, "data": number % 5})
    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    client = client_as("member")
    with django_assert_max_num_queries(14):
        html = client.get(target).content.decode()
    assert html.count("<option value=") == count - 1


def fieldset(html: str, dimension: str) -> str:
    return html.split(f'id="dimension-{dimension}"', 1)[1].split("</fieldset>", 1)[0]


def test_each_dimension_shows_its_own_guidance_beside_each_level(client_as, world):
    from django.utils.html import escape

    from evaluation.readiness import GUIDANCE

    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    html = client_as("member").get(target).content.decode()
    texts = set()
    for dimension in ReadinessDimension.values:
        block = fieldset(html, dimension)
        for level in range(5):
            guidance = str(GUIDANCE[dimension][level])
            texts.add(guidance)
            # the guidance sits beside its level and describes its radio button
            option = (
                f'id="id_level_{dimension}_{level}" aria-describedby="id_level_{dimension}_{level}_guidance"'
            )
            assert option in block, (dimension, level)
            assert f'id="id_level_{dimension}_{level}_guidance">{escape(guidance)}</p>' in block
        # and no other dimension's guidance appears in this dimension
        others = [
            str(text) for other, levels in GUIDANCE.items() if other != dimension for text in levels.values()
        ]
        assert not any(escape(text) in block for text in others), dimension
    assert len(texts) == 30  # every dimension and level has its own text


def test_guidance_in_german(client_as, world):
    from django.utils import translation

    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    with translation.override("de"):
        html = client_as("member").get(target, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "2 – geplant" in fieldset(html, "funding")
    assert "Investitions- und Betriebskosten sind geschätzt" in fieldset(html, "funding")
    assert "Daten liegen verstreut in Fachbereichen und Systemen" in fieldset(html, "data")


def test_a_missing_level_is_marked_at_its_dimension(client_as, world):
    target = reverse("programmes:evaluation:readiness", kwargs=world.programme.url_kwargs)
    data = {f"level_{d}": 2 for d in ReadinessDimension.values if d != "people"}
    response = client_as("member").post(target, data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_level_people_error"' in fieldset(html, "people")
    assert 'id="id_level_people_error"' not in fieldset(html, "vision")
    # the other answers stay chosen
    assert 'value="2" id="id_level_vision_2" aria-describedby="id_level_vision_2_guidance" checked' in html


@pytest.mark.parametrize("count", [1, 20])
def test_readiness_api_list_query_count_is_fixed(api_as, world, count, django_assert_max_num_queries):
    lead = world.user("lead")
    for number in range(count):
        services.readiness_assess(
            programme=world.programme, assessed_by=lead, levels={**LEVELS, "data": number % 5}
        )
    api = api_as("stakeholder")
    with django_assert_max_num_queries(4):
        data = api.get(reverse("api:readiness-assessment-list")).json()
    assert data["count"] == count and all(len(item["scores"]) == 6 for item in data["results"])
