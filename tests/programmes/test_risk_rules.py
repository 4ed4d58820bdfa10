"""The hub's risk rule: an influential stakeholder nobody has engaged."""

from datetime import date

from programmes import risk_rules, services


def test_influential_stakeholder_never_engaged_warns_until_a_contact_is_recorded(world):
    mayor = services.stakeholder_create(
        programme=world.programme, name="Bürgermeisterin", group="politics", influence=5, interest=4
    )
    services.stakeholder_create(
        programme=world.programme, name="Heimatverein", group="civil_society", influence=2, interest=3
    )
    warnings = list(risk_rules.unengaged_stakeholder_rule(world.programme))
    assert [w.subject for w in warnings] == [f"stakeholder:{mayor.pk}"]
    assert "Bürgermeisterin" in warnings[0].title
    assert warnings[0].url.endswith(f"/stakeholders/{mayor.pk}/edit/")

    services.stakeholder_update(stakeholder=mayor, last_engaged_on=date(2026, 11, 1))
    assert list(risk_rules.unengaged_stakeholder_rule(world.programme)) == []


def test_stakeholder_rule_runs_one_query(world, django_assert_max_num_queries):
    for i in range(20):
        services.stakeholder_create(
            programme=world.programme, name=f"S{i}", group="business", influence=4, interest=3
        )
    with django_assert_max_num_queries(1):
        assert len(list(risk_rules.unengaged_stakeholder_rule(world.programme))) == 20
