"""The business-case arithmetic of DOMAIN.md as pure functions on Decimal.

Cash flows are indexed by year t = 0..T: ``costs[t]`` and ``benefits[t]`` are the (non-negative) amounts of
year t, the one-off investment sits in t = 0. Discount rates are fractions (0.02 = 2 %). Nothing here rounds:
money is rounded to cents only for display (``cents``), so sums of rounded figures never drift.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
PRECISION = 40  # digits of working precision: discount factors over 15 years stay exact far beyond cents


def cents(value: Decimal) -> Decimal:
    """Round money to cents for display (commercial rounding, half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pad(values: Sequence[Decimal], length: int) -> list[Decimal]:
    padded = [Decimal(v) for v in values]
    return padded + [ZERO] * (length - len(padded))


def _align(costs: Sequence[Decimal], benefits: Sequence[Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    length = max(len(costs), len(benefits), 1)
    return _pad(costs, length), _pad(benefits, length)


def discount_factors(rate: Decimal, horizon: int) -> list[Decimal]:
    """d_t = 1 / (1 + i)^t for t = 0..horizon."""
    rate = Decimal(rate)
    if rate <= -1:
        raise ValueError("The discount rate must be greater than -100 %.")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        base = ONE + rate
        return [ONE / base**t for t in range(horizon + 1)]


def net_flows(costs: Sequence[Decimal], benefits: Sequence[Decimal]) -> list[Decimal]:
    costs, benefits = _align(costs, benefits)
    return [b - c for b, c in zip(benefits, costs, strict=True)]


def present_value(flows: Sequence[Decimal], rate: Decimal) -> Decimal:
    factors = discount_factors(rate, len(flows) - 1) if flows else []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return sum((Decimal(f) * d for f, d in zip(flows, factors, strict=True)), ZERO)


def npv(costs: Sequence[Decimal], benefits: Sequence[Decimal], rate: Decimal) -> Decimal:
    """NPV = Σ_t (B_t − C_t) · d_t."""
    return present_value(net_flows(costs, benefits), rate)


def roi(costs: Sequence[Decimal], benefits: Sequence[Decimal]) -> Decimal | None:
    """Simple, undiscounted ROI = (ΣB − ΣC) / ΣC as a fraction (0.5 = 50 %); None without costs."""
    total_costs, total_benefits = sum(costs, ZERO), sum(benefits, ZERO)
    if total_costs == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return (total_benefits - total_costs) / total_costs


def payback_static(costs: Sequence[Decimal], benefits: Sequence[Decimal]) -> Decimal | None:
    """Static payback = I_0 / mean annual net benefit of years 1..T (years).

    I_0 is the net outflow of year 0. None when there is nothing to pay back from (no later years, or a mean
    net benefit ≤ 0); zero when nothing was invested up front.
    """
    flows = net_flows(costs, benefits)
    investment = -flows[0] if flows[0] < 0 else ZERO
    later = flows[1:]
    if investment == 0:
        return ZERO
    if not later:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        mean = sum(later, ZERO) / len(later)
        if mean <= 0:
            return None
        return investment / mean


def cumulative_discounted(
    costs: Sequence[Decimal], benefits: Sequence[Decimal], rate: Decimal
) -> list[Decimal]:
    """The cumulative discounted net cash flow at the end of each year t = 0..T."""
    flows = net_flows(costs, benefits)
    factors = discount_factors(rate, len(flows) - 1)
    series, running = [], ZERO
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for flow, factor in zip(flows, factors, strict=True):
            running += flow * factor
            series.append(running)
    return series


def payback_dynamic(costs: Sequence[Decimal], benefits: Sequence[Decimal], rate: Decimal) -> Decimal | None:
    """The first t where the cumulative discounted net cash flow reaches 0, linear within the year; None if never.

    A case that never dips below zero pays back at once (0). Once reached, later dips do not move the answer:
    the question is when the investment was first recovered.
    """
    series = cumulative_discounted(costs, benefits, rate)
    if series[0] >= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for t in range(1, len(series)):
            before, after = series[t - 1], series[t]
            if before < 0 <= after:
                return Decimal(t - 1) + (-before) / (after - before)
    return None


def benefit_cost_ratio(
    costs: Sequence[Decimal], benefits: Sequence[Decimal], rate: Decimal
) -> Decimal | None:
    """Σ discounted benefits / Σ discounted costs; None without costs."""
    costs, benefits = _align(costs, benefits)
    pv_costs = present_value(costs, rate)
    if pv_costs == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return present_value(benefits, rate) / pv_costs


def funding_share(funding: Decimal, costs: Sequence[Decimal]) -> Decimal | None:
    """Share of the undiscounted total costs covered by funding (fraction); None without costs."""
    total = sum(costs, ZERO)
    if total == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(funding) / total


def scale(values: Sequence[Decimal], factor: Decimal) -> list[Decimal]:
    return [Decimal(v) * Decimal(factor) for v in values]


@dataclass(frozen=True)
class Figures:
    npv: Decimal
    roi: Decimal | None
    payback_static_years: Decimal | None
    payback_dynamic_years: Decimal | None
    benefit_cost_ratio: Decimal | None
    cumulative: list[Decimal]
    total_costs: Decimal
    total_benefits: Decimal


def figures(costs: Sequence[Decimal], benefits: Sequence[Decimal], rate: Decimal) -> Figures:
    costs, benefits = _align(costs, benefits)
    return Figures(
        npv=npv(costs, benefits, rate),
        roi=roi(costs, benefits),
        payback_static_years=payback_static(costs, benefits),
        payback_dynamic_years=payback_dynamic(costs, benefits, rate),
        benefit_cost_ratio=benefit_cost_ratio(costs, benefits, rate),
        cumulative=cumulative_discounted(costs, benefits, rate),
        total_costs=sum(costs, ZERO),
        total_benefits=sum(benefits, ZERO),
    )


def scenario_figures(
    costs: Sequence[Decimal],
    benefits: Sequence[Decimal],
    rate: Decimal,
    *,
    cost_factor: Decimal,
    benefit_factor: Decimal,
) -> Figures:
    """The figures with every cost scaled by ``cost_factor`` and every benefit by ``benefit_factor``."""
    return figures(scale(costs, cost_factor), scale(benefits, benefit_factor), rate)


@dataclass(frozen=True)
class LineImpact:
    key: object
    npv_low: Decimal
    npv_high: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.npv_high - self.npv_low)


def sensitivity(
    lines: Sequence[tuple[object, str, Sequence[Decimal]]],
    rate: Decimal,
    *,
    horizon: int,
    delta: Decimal = Decimal("0.1"),
) -> list[LineImpact]:
    """Move each line alone by ±delta and report the NPV; the largest swing first.

    ``lines`` are ``(key, "cost"|"benefit", amounts per year)``; the key is returned unchanged.
    """
    length = horizon + 1
    costs, benefits = [ZERO] * length, [ZERO] * length
    for _key, side, amounts in lines:
        target = costs if side == "cost" else benefits
        for t, amount in enumerate(_pad(amounts, length)):
            target[t] += amount
    impacts = []
    for key, side, amounts in lines:
        amounts = _pad(amounts, length)
        results = []
        for factor in (ONE - delta, ONE + delta):
            changed = [a * (factor - ONE) for a in amounts]
            c = [x + y for x, y in zip(costs, changed, strict=True)] if side == "cost" else costs
            b = [x + y for x, y in zip(benefits, changed, strict=True)] if side == "benefit" else benefits
            results.append(npv(c, b, rate))
        impacts.append(LineImpact(key=key, npv_low=results[0], npv_high=results[1]))
    return sorted(impacts, key=lambda impact: impact.swing, reverse=True)
