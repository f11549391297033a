"""Memory budgets: the figures, and the refusal before allocating."""

import pytest

from qml.engine.memory import WORKING_STATES, available_memory, check_state_memory, state_bytes
from qml.errors import StateTooLargeError


def test_state_bytes_and_free_memory():
    assert state_bytes(0) == 16 and state_bytes(20) == 16 * 2**20
    assert 2**20 < available_memory() < 2**50


def test_refusal_names_the_need_and_the_advice():
    check_state_memory(10)
    with pytest.raises(StateTooLargeError, match="GiB"):
        check_state_memory(40)
    with pytest.raises(MemoryError):  # also the built-in type
        check_state_memory(20, available=2**20)
    need = WORKING_STATES * state_bytes(16)
    check_state_memory(16, available=need)
    with pytest.raises(StateTooLargeError, match="16-qubit .* choose less$"):
        check_state_memory(16, available=need - 1, advice="choose less")
