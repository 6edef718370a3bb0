"""The fair campaign score: shrunk rates, normalised to 0–100, weighted by the campaign.

How a score is made (also shown on every scorecard):

1. Each rate component is a count of successes over a count of cases n:
   acknowledged on time / acknowledgments due; answered on time / answers due;
   rated 4–5 / rated; answers not reopened / answers; received cases not
   transferred late / received.
2. The all-unit rate p is the sum of successes over the sum of n, all units together.
3. Each unit's rate is shrunk towards p with a prior worth k cases (the
   campaign's prior strength): shrunk = (successes + k·p) / (n + k). A unit with
   3 lucky cases stays close to p; a unit with 500 cases keeps its own rate.
4. A rate component's value is 100 × shrunk (0–100).
5. Works: 50 × min(1, registered / target) + 50 × min(1, completed / target),
   where completed includes recognised works and target is the campaign's.
6. Score = Σ weight × value / Σ weight (the weights sum to 100). A rate
   component no unit has any case for is left out and the others scaled up.
7. Units with fewer received cases than the campaign's minimum get a score but
   no rank. Ties (to 0.01) share a rank.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.models.campaigns import COMPONENTS
from app.scoring.metrics import UnitMetrics

RATES: dict[str, Callable[[UnitMetrics], tuple[int, int]]] = {
    "ack": lambda m: (m.ack_on_time, m.ack_due),
    "response": lambda m: (m.response_on_time, m.response_due),
    "satisfaction": lambda m: (m.rated_high, m.rated),
    "reopen": lambda m: (m.answered - m.reopened, m.answered),
    "transfer": lambda m: (max(m.received - m.late_transfers, 0), m.received),
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
    return 50 * min(1.0, registered / target) + 50 * min(1.0, completed / target)


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
        components, total, weight_sum = {}, 0.0, 0
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
                value = 100 * shrunk
                components[code] = {"n": n, "successes": successes,
                                    "raw": successes / n if n else None, "prior": prior, "k": k,
                                    "shrunk": shrunk, "value": value, "weight": weight}
            total += weight * value
            weight_sum += weight
        score = total / weight_sum if weight_sum else 0.0
        scored.append(Scored(unit_id, components, min(100.0, max(0.0, score))))
    return rank(scored, metrics, settings.min_cases)


def rank(scored: list[Scored], metrics: dict[int, UnitMetrics], min_cases: int) -> list[Scored]:
    """Competition ranking (1, 2, 2, 4) of the units with enough cases, by score to 0.01."""
    eligible = [s for s in scored if metrics[s.unit_id].received >= min_cases]
    eligible.sort(key=lambda s: -round(s.score, 2))
    previous, position = None, 0
    for index, s in enumerate(eligible, start=1):
        key = round(s.score, 2)
        if key != previous:
            position, previous = index, key
        s.rank = position
    others = [s for s in scored if s.rank is None]
    others.sort(key=lambda s: -s.score)
    return eligible + others
