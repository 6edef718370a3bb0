"""The fair campaign score: shrunk rates, normalised to 0–100, weighted by the campaign.

The formula is the code below, and only here: ``score_units`` computes it and
``explain`` writes it out, with the campaign's own weights and settings, for
the score pages in the reader's language. Nothing else restates it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from app.models.campaigns import COMPONENTS
from app.scoring import labels
from app.scoring.metrics import UnitMetrics

# Every component's value, and the score, run from 0 to SCALE.
SCALE = 100
# The works component: points for registering works, and for completing them,
# each in proportion up to the campaign's target number of works.
WORKS_REGISTERED_POINTS, WORKS_COMPLETED_POINTS = 50, 50
# Scores that are equal when rounded to this many decimals share a rank.
RANK_DECIMALS = 2

RATES: dict[str, Callable[[UnitMetrics], tuple[int, int]]] = {
    "ack": lambda m: (m.ack_on_time, m.ack_due),
    "response": lambda m: (m.response_on_time, m.response_due),
    "satisfaction": lambda m: (m.rated_high, m.rated),
    "reopen": lambda m: (m.answered - m.reopened, m.answered),
    "transfer": lambda m: (max(m.received - m.late_transfers, 0), m.received),
    # As a co-handling unit: replies by the date over the requests judged (on time or late).
    "cohandling": lambda m: (m.contributions_on_time,
                             m.contributions_on_time + m.contributions_late),
}


@dataclass(frozen=True)
class Settings:
    """What a campaign decides about its score."""

    weights: dict[str, int]
    prior_strength: int = 20
    min_cases: int = 10
    works_target: int = 2

    @classmethod
    def of(cls, campaign) -> Settings:
        return cls(dict(campaign.weights), campaign.prior_strength, campaign.min_cases,
                   campaign.works_target)


@dataclass
class Scored:
    """A unit's components, score and rank."""

    unit_id: int
    components: dict[str, dict]
    score: float
    rank: int | None = None


def shrink(successes: int, n: int, prior: float, k: int) -> float:
    """(successes + k·prior) / (n + k): the unit's rate pulled towards the all-unit rate."""
    if n + k == 0:
        return prior
    return (successes + k * prior) / (n + k)


def works_value(registered: int, completed: int, target: int) -> float:
    """The works component, 0–100: half for registering, half for completing, up to the target."""
    return (WORKS_REGISTERED_POINTS * min(1.0, registered / target)
            + WORKS_COMPLETED_POINTS * min(1.0, completed / target))


def points(components: dict[str, dict]) -> dict[str, float | None]:
    """Each component's part of the score: weight × value ÷ the sum of the weights that count.

    A component without a value (no unit has a case for it) is left out, and
    the others count for more. The parts add up to the score.
    """
    counted = {code: c for code, c in components.items() if c.get("value") is not None}
    weight_sum = sum(c["weight"] for c in counted.values())
    return {
        code: (c["weight"] * c["value"] / weight_sum if code in counted and weight_sum else None)
        for code, c in components.items()
    }


def computation(component: dict) -> str:
    """A stored component's value worked out with its own numbers, as the score pages show it."""
    if "registered" not in component and component.get("shrunk") is None:
        return "—"
    if "registered" in component:  # the works component
        registered, completed, target = (component[key] for key in ("registered", "completed", "target"))
        return (f"{WORKS_REGISTERED_POINTS} × min(1, {registered} ÷ {target}) + "
                f"{WORKS_COMPLETED_POINTS} × min(1, {completed} ÷ {target})")
    return (f"({component['successes']} + {component['k']} × {component['prior']:.3f}) ÷ "
            f"({component['n']} + {component['k']}) = {component['shrunk']:.3f}")


def all_unit_rates(metrics: Iterable[UnitMetrics]) -> dict[str, float | None]:
    """p per rate component: all successes over all cases; None when nobody has a case."""
    totals = {code: [0, 0] for code in RATES}
    for m in metrics:
        for code, rate in RATES.items():
            successes, n = rate(m)
            totals[code][0] += successes
            totals[code][1] += n
    return {code: (s / n if n else None) for code, (s, n) in totals.items()}


def score_units(metrics: dict[int, UnitMetrics], settings: Settings) -> list[Scored]:
    """Score and rank every unit given; ranked best first (unranked units last)."""
    priors = all_unit_rates(metrics.values())
    k = settings.prior_strength
    scored = []
    for unit_id, m in metrics.items():
        components = {}
        for code in COMPONENTS:
            weight = settings.weights.get(code, 0)
            if code == "works":
                value = works_value(m.works_registered, m.works_completed, settings.works_target)
                components[code] = {"registered": m.works_registered,
                                    "completed": m.works_completed,
                                    "target": settings.works_target,
                                    "value": value, "weight": weight}
            else:
                successes, n = RATES[code](m)
                prior = priors[code]
                if prior is None:
                    components[code] = {"n": 0, "successes": 0, "raw": None, "prior": None,
                                        "shrunk": None, "value": None, "weight": weight}
                    continue
                shrunk = shrink(successes, n, prior, k)
                components[code] = {"n": n, "successes": successes,
                                    "raw": successes / n if n else None, "prior": prior, "k": k,
                                    "shrunk": shrunk, "value": SCALE * shrunk, "weight": weight}
        score = sum(part for part in points(components).values() if part is not None)
        scored.append(Scored(unit_id, components, min(float(SCALE), max(0.0, score))))
    return rank(scored, metrics, settings.min_cases)


def rank(scored: list[Scored], metrics: dict[int, UnitMetrics], min_cases: int) -> list[Scored]:
    """Competition ranking (1, 2, 2, 4) of the units with enough cases, by score to 0.01."""
    # A unit without a case in the period is never ranked, whatever the campaign's minimum.
    eligible = [s for s in scored if metrics[s.unit_id].received >= max(min_cases, 1)]
    eligible.sort(key=lambda s: -round(s.score, RANK_DECIMALS))
    previous, position = None, 0
    for index, s in enumerate(eligible, start=1):
        key = round(s.score, RANK_DECIMALS)
        if key != previous:
            position, previous = index, key
        s.rank = position
    others = [s for s in scored if s.rank is None]
    others.sort(key=lambda s: -s.score)
    return eligible + others


@dataclass(frozen=True)
class ComponentRule:
    """One component as the score pages explain it."""

    code: str
    label: str
    weight: int
    rule: str

    @property
    def counted(self) -> bool:
        """Whether the component counts in this campaign's score (a weight of 0 does not)."""
        return self.weight > 0


@dataclass(frozen=True)
class Explanation:
    """How a campaign's score is made: the steps of the formula, and what each component counts."""

    steps: list[str]
    components: list[ComponentRule]


def explain(settings: Settings) -> Explanation:
    """The formula of ``score_units`` written out with the campaign's weights and settings.

    In the reader's language (call it within a request or ``force_locale``).
    """
    k = settings.prior_strength
    weights = {code: settings.weights.get(code, 0) for code in COMPONENTS}
    terms = " + ".join(
        _("%(weight)d × %(component)s", weight=weight, component=labels.COMPONENT[code])
        for code, weight in weights.items() if weight
    )
    target = settings.works_target
    steps = [
        _("Each component except campaign works is a rate: successes over cases (n) in the "
          "period; what counts for each is listed below."),
        _("Units with few cases are pulled toward the average of all units, so that 2 cases "
          "answered on time do not outrank 200: each unit's rate is counted as if it also had "
          "%(k)d cases at the average of all units. A unit with a handful of cases stays near "
          "the average; a unit with hundreds of cases keeps its own rate.", k=k),
        _("The same in figures: adjusted rate = (successes + k × p) / (n + k), where p is the "
          "rate of all units together (their successes over their cases) and k = %(k)d.", k=k),
        _("Value of a rate component = %(scale)d × adjusted rate.", scale=SCALE),
        _("Value of campaign works = %(a)d × min(1, registered ÷ %(t)d) + %(b)d × min(1, "
          "completed ÷ %(t)d); recognised works count as completed.",
          a=WORKS_REGISTERED_POINTS, b=WORKS_COMPLETED_POINTS, t=target),
        _("Score = (%(terms)s) ÷ %(total)d.", terms=terms, total=sum(weights.values())),
        _("A rate component that no unit has a case for is left out, and the score is divided "
          "by the sum of the other weights instead."),
        _("Units that received fewer than %(n)d cases are shown with their score but not "
          "ranked; a unit without any case in the period has no score at all. Scores equal "
          "when rounded to %(d)d decimals share a rank.", n=settings.min_cases, d=RANK_DECIMALS),
    ]
    components = [
        ComponentRule(code, str(labels.COMPONENT[code]), weight, str(labels.COMPONENT_RULE[code]))
        for code, weight in weights.items()
    ]
    return Explanation(steps, components)
