"""The Poisson CUSUM on simulated series: power for a doubling, and false alarms on steady series."""

from __future__ import annotations

import numpy as np

from procura.trends.detect import cusum_alarm, default_detection


def test_doubling_is_detected_within_two_periods() -> None:
    params = default_detection()
    on_time = 0
    runs = 500
    for seed in range(runs):
        rng = np.random.default_rng(seed)
        counts = np.concatenate([rng.poisson(20, 24), rng.poisson(40, 12)])
        alarm = cusum_alarm(counts, params)
        on_time += alarm is not None and 24 <= alarm.index <= 26
    # Measured 98% (ADR 0701): a doubling from 20 to 40 a month is alarmed within two periods.
    assert on_time / runs >= 0.97
    assert all(a is not None for a in [cusum_alarm(np.r_[np.full(12, 20), np.full(6, 40)], params)])


def test_steady_series_rarely_alarm() -> None:
    params = default_detection()
    alarms = 0
    runs = 0
    for rate in (0.1, 0.5, 1.0, 3.0, 10.0, 20.0):
        for seed in range(200):
            counts = np.random.default_rng(seed).poisson(rate, 36)
            alarms += cusum_alarm(counts, params) is not None
            runs += 1
    # Measured about 1% over these rates (ADR 0701); sparse series (< 1 a month) never alarm.
    assert alarms / runs <= 0.015


def test_short_series_and_zero_series_do_not_alarm() -> None:
    params = default_detection()
    assert cusum_alarm(np.array([0, 50, 80]), params) is None
    assert cusum_alarm(np.zeros(36, dtype=int), params) is None
