"""The business-case arithmetic: the DOMAIN.md worked example exactly, edge cases and invariants."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from transformation import finance

RATE = D("0.02")


def worked_example():
    return [D("100000")] + [D("0")] * 5, [D("0")] + [D("30000")] * 5


def test_worked_example_npv_is_exactly_41403_79():
    costs, benefits = worked_example()
    assert finance.cents(finance.npv(costs, benefits, RATE)) == D("41403.79")


def test_worked_example_paybacks_and_roi():
    costs, benefits = worked_example()
    figures = finance.figures(costs, benefits, RATE)
    assert figures.payback_static_years.quantize(D("0.001")) == D("3.333")
    assert figures.payback_dynamic_years.quantize(D("0.01")) == D("3.49")
    assert figures.roi == D("0.5")
    assert figures.benefit_cost_ratio.quantize(D("0.0001")) == D("1.4140")


def test_discount_factors():
    factors = finance.discount_factors(RATE, 2)
    assert factors[0] == 1
    assert factors[1].quantize(D("0.000001")) == D("0.980392")
    assert factors[2].quantize(D("0.000001")) == D("0.961169")


def test_no_payback_when_benefits_never_cover_the_investment():
    costs, benefits = [D("100000"), D("0"), D("0")], [D("0"), D("10000"), D("10000")]
    figures = finance.figures(costs, benefits, RATE)
    assert figures.payback_dynamic_years is None
    assert figures.npv < 0
    # static payback is still defined (10 years) but lies beyond the horizon
    assert figures.payback_static_years == D("10")


def test_no_static_payback_when_net_benefit_is_negative():
    assert finance.payback_static([D("1000"), D("500")], [D("0"), D("100")]) is None


def test_zero_discount_rate_equals_plain_sum():
    costs, benefits = worked_example()
    assert finance.npv(costs, benefits, D("0")) == D("50000")
    assert finance.payback_dynamic(costs, benefits, D("0")).quantize(D("0.001")) == D("3.333")


def test_one_year_horizon():
    figures = finance.figures([D("1000"), D("0")], [D("0"), D("1100")], D("0.1"))
    assert finance.cents(figures.npv) == D("0.00")
    assert figures.payback_dynamic_years == D("1")
    assert figures.payback_static_years.quantize(D("0.0001")) == D("0.9091")


def test_benefits_only_in_late_years():
    costs = [D("50000"), D("0"), D("0"), D("0"), D("0")]
    benefits = [D("0"), D("0"), D("0"), D("30000"), D("30000")]
    figures = finance.figures(costs, benefits, RATE)
    assert 3 < figures.payback_dynamic_years < 4
    assert figures.cumulative[2] == D("-50000")


def test_funding_share_and_scenarios():
    costs, benefits = worked_example()
    assert finance.funding_share(D("50000"), costs) == D("0.5")
    assert finance.funding_share(D("1"), [D("0")]) is None
    pessimistic = finance.scenario_figures(
        costs, benefits, RATE, cost_factor=D("1.2"), benefit_factor=D("0.8")
    )
    base = finance.figures(costs, benefits, RATE)
    assert pessimistic.npv < base.npv


def test_sensitivity_ranks_the_biggest_line_first():
    lines = [
        ("invest", "cost", [D("100000")]),
        ("licence", "cost", [D("0"), D("1000"), D("1000")]),
        ("savings", "benefit", [D("0"), D("30000"), D("30000")]),
    ]
    impacts = finance.sensitivity(lines, RATE, horizon=2)
    assert [impact.key for impact in impacts] == ["invest", "savings", "licence"]
    assert impacts[0].npv_low > impacts[0].npv_high  # less investment → higher NPV


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=D("0.3"), places=4)


@settings(max_examples=40, deadline=None)
@given(costs=st.lists(amounts, min_size=1, max_size=8), benefits=st.lists(amounts, min_size=1, max_size=8))
def test_npv_at_rate_zero_is_the_undiscounted_sum(costs, benefits):
    assert finance.npv(costs, benefits, D("0")) == sum(benefits) - sum(costs)


@settings(max_examples=40, deadline=None)
@given(
    investment=amounts,
    benefits=st.lists(amounts, min_size=1, max_size=8),
    low=rates,
    high=rates,
)
def test_higher_rate_never_raises_npv_when_costs_come_first(investment, benefits, low, high):
    low, high = sorted([low, high])
    costs = [investment]
    flows = [D("0"), *benefits]
    assert finance.npv(costs, flows, high) <= finance.npv(costs, flows, low)


@settings(max_examples=40, deadline=None)
@given(
    investment=amounts,
    costs=st.lists(amounts, max_size=8),
    benefits=st.lists(amounts, max_size=8),
    rate=rates,
)
def test_payback_never_precedes_the_investment(investment, costs, benefits, rate):
    all_costs = [investment, *costs]
    all_benefits = [D("0"), *benefits]
    for payback in (
        finance.payback_dynamic(all_costs, all_benefits, rate),
        finance.payback_static(all_costs, all_benefits),
    ):
        if payback is not None:
            assert payback >= 0
            if investment > 0:
                assert payback > 0
