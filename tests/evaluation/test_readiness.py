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
