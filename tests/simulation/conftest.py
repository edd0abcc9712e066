"""Shared simulation results (module-level caching keeps the suite fast)."""

from __future__ import annotations

import pytest

from zicht.simulation import SCENARIOS, SimulationResult, simulate


@pytest.fixture(scope="session")
def default_result() -> SimulationResult:
    return simulate("default", seed=7)


@pytest.fixture(scope="session")
def big_independent() -> SimulationResult:
    return simulate(SCENARIOS["independent"].replace(population=20000), seed=11)
