"""The classical cost of verifying QV: timed, fitted, refused before it cannot fit."""

import pytest

from qml.errors import ConfigurationError, StateTooLargeError
from qml.volume import VerificationCost, verification_cost


def test_cost_grows_with_width_and_places_this_machine(monkeypatch):
    import qml.engine.memory

    monkeypatch.setattr(qml.engine.memory, "available_memory", lambda: 2**30)  # 1 GiB: 26 qubits
    cost = verification_cost(8, seed=0, repeats=2)
    assert isinstance(cost, VerificationCost)
    assert cost.widths == list(range(2, 9)) and all(s > 0 for s in cost.seconds)
    assert cost.machine_max_width == 26
    assert cost.factor_per_qubit > 1  # more qubits cost more
    assert cost.certification_seconds_at_max_width == pytest.approx(
        100 * 2 ** (cost.log2_seconds_intercept + cost.log2_seconds_per_qubit * 26))
    assert 2026 <= cost.year < 2100 and cost.seed == 0


def test_cost_refuses_before_any_work():
    with pytest.raises(ConfigurationError, match="at least 3"):
        verification_cost(2)
    with pytest.raises(StateTooLargeError, match="smaller max_width"):
        verification_cost(45)
