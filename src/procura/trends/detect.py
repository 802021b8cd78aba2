"""Change detection on count series: a Poisson CUSUM against the series' own history.

The reference rate λ0 is the mean of the first ``baseline_periods`` periods
(floored); the CUSUM ``S_t = max(0, S_{t-1} + x_t·ln r − (r − 1)·λ0)`` accumulates
evidence for a rise to ``r·λ0``. An alarm is raised the first period after the
baseline where ``S_t ≥ h``, the period has at least ``min_count`` records and the
counts since ``S`` last left zero are significantly above ``λ0`` (exact Poisson
upper tail, scipy). Parameters are data: ``detection.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from scipy.stats import poisson


@dataclass(frozen=True)
class Detection:
    baseline_periods: int = 12
    ratio: float = 2.0
    threshold: float = 7.0
    rate_floor: float = 0.5
    min_count: int = 5
    alpha: float = 0.01


@cache
def default_detection() -> Detection:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("procura.trends").joinpath("detection.yaml").read_text(encoding="utf-8")
    )
    return Detection(**raw)


@dataclass(frozen=True)
class Alarm:
    """The first period at which a series rose: where the rise began, how big, how sure."""

    index: int
    start_index: int
    count: int
    reference_rate: float
    observed_rate: float
    cusum: float
    p_value: float


def cusum_alarm(counts: np.ndarray, params: Detection) -> Alarm | None:
    """The first alarm of one count series, or None."""
    b = params.baseline_periods
    if len(counts) <= b:
        return None
    lam0 = max(float(np.mean(counts[:b])), params.rate_floor)
    log_r = math.log(params.ratio)
    drift = (params.ratio - 1.0) * lam0
    s, start = 0.0, b
    for t in range(b, len(counts)):
        x = int(counts[t])
        if s == 0.0:
            start = t
        s = max(0.0, s + x * log_r - drift)
        if s == 0.0:
            continue
        if s >= params.threshold and x >= params.min_count:
            window = counts[start : t + 1]
            observed = int(window.sum())
            p = float(poisson.sf(observed - 1, lam0 * len(window)))
            if p < params.alpha:
                return Alarm(t, start, x, lam0, observed / len(window), s, p)
    return None
