"""How much one runtime job may hold, and the one splitter that keeps every job within it.

IBM's job validation refuses, before the queue, a Sampler job past these limits
(https://quantum.cloud.ibm.com/docs/guides/job-limits):

- **executions**: circuits (after parameter broadcasting) times shots, at most 10 million;
- **low-level instructions per qubit**: at most 26.8 million control-system instructions on
  any one qubit over the job's circuits, counted by IBM's published heuristic (``rz`` and
  ``delay`` 1, ``sx`` and ``x`` 2, two-qubit gates 5, ``measure`` 10, ``reset`` 17).

IBM's page also says that the ``max_experiments`` and ``max_shots`` fields of
``backend.configuration()`` "are no longer relevant or enforced", so qlimits does not read
them. It adds one limit of its own, ``DEFAULT_MAX_CIRCUITS`` circuits per job, so that one
failed or cancelled job loses a bounded piece of the work and its result file stays small;
``max_circuits_per_job=`` (the name qiskit-machine-learning's kernels use) sets another.

Kernel blocks, quantum-volume widths, layer-fidelity experiments and training batches all
reach the runtime through ``RuntimeJobs.run``, which splits their circuits with ``split``:
each piece is its own job and its own ledger row, so a rerun after a crash submits only the
pieces that are missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qml.errors import ConfigurationError

__all__ = ["JobLimits", "split", "instructions_per_qubit", "MAX_EXECUTIONS",
           "MAX_INSTRUCTIONS_PER_QUBIT", "DEFAULT_MAX_CIRCUITS", "INSTRUCTION_COST"]

MAX_EXECUTIONS = 10_000_000
MAX_INSTRUCTIONS_PER_QUBIT = 26_800_000
DEFAULT_MAX_CIRCUITS = 4096
# IBM's heuristic for control-system instructions per ISA instruction (the job-limits page)
INSTRUCTION_COST = {"rz": 1, "delay": 1, "sx": 2, "x": 2, "cx": 5, "cz": 5, "ecr": 5,
                    "measure": 10, "reset": 17, "init": 50}
_TWO_QUBIT_COST = 5  # a two-qubit gate the table does not name (rzz, ...)


def instructions_per_qubit(isa_circuit) -> int:
    """The most control-system instructions any one qubit of ``isa_circuit`` gets, by IBM's
    heuristic (``INSTRUCTION_COST``); barriers are free.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2); _ = qc.sx(0); _ = qc.cx(0, 1); _ = qc.measure_all()
    >>> instructions_per_qubit(qc)  # qubit 0: sx 2 + cx 5 + measure 10
    17
    """
    per_qubit = np.zeros(max(1, isa_circuit.num_qubits), dtype=np.int64)
    for inst in isa_circuit.data:
        name = inst.operation.name
        if name == "barrier":
            continue
        cost = INSTRUCTION_COST.get(name, _TWO_QUBIT_COST if len(inst.qubits) > 1 else 2)
        for q in inst.qubits:
            per_qubit[isa_circuit.find_bit(q).index] += cost
    return int(per_qubit.max())


@dataclass(frozen=True)
class JobLimits:
    """What one job may hold: ``max_circuits`` circuits (parameter rows), ``max_executions``
    circuits x shots, ``max_instructions_per_qubit`` on any qubit.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(1); _ = qc.measure_all()
    >>> JobLimits().circuits_per_job([qc], shots=1024)  # the default circuit limit
    4096
    >>> JobLimits().circuits_per_job([qc], shots=4000)  # 10 million executions
    2500
    >>> JobLimits(max_circuits=1000).circuits_per_job([qc], shots=1024)
    1000
    """

    max_circuits: int = DEFAULT_MAX_CIRCUITS
    max_executions: int = MAX_EXECUTIONS
    max_instructions_per_qubit: int = MAX_INSTRUCTIONS_PER_QUBIT

    @classmethod
    def with_override(cls, max_circuits_per_job: int | None) -> JobLimits:
        """The limits with ``max_circuits_per_job`` circuits per job (None: the default),
        checked to be a positive whole number.

        Examples
        --------
        >>> JobLimits.with_override(None).max_circuits, JobLimits.with_override(1000).max_circuits
        (4096, 1000)
        """
        if max_circuits_per_job is None:
            return cls()
        if (isinstance(max_circuits_per_job, bool)
                or not isinstance(max_circuits_per_job, (int, np.integer))
                or max_circuits_per_job < 1):
            raise ConfigurationError(f"max_circuits_per_job must be a whole number of at least "
                                     f"1; got {max_circuits_per_job!r}")
        return cls(max_circuits=int(max_circuits_per_job))

    def circuits_per_job(self, isa_circuits, shots: int) -> int:
        """The most circuits (parameter rows, any mix of ``isa_circuits``) one job may hold
        at ``shots`` shots: within every limit, at least 1. A circuit that no job could hold
        alone is refused here, before anything is sent."""
        if int(shots) > self.max_executions:
            raise ConfigurationError(f"{shots:,} shots of one circuit pass IBM's "
                                     f"{self.max_executions:,} executions per job")
        heaviest, name = max(((instructions_per_qubit(c), c.name) for c in isa_circuits),
                             default=(1, ""))
        if heaviest > self.max_instructions_per_qubit:
            raise ConfigurationError(
                f"circuit {name!r} needs {heaviest:,} control-system instructions on one "
                f"qubit; IBM accepts at most {self.max_instructions_per_qubit:,} per job: "
                "make it shallower")
        by_shots = self.max_executions // max(1, int(shots))
        by_instructions = self.max_instructions_per_qubit // max(1, heaviest)
        return max(1, min(self.max_circuits, by_shots, by_instructions))


def split(rows: list[int], per_job: int) -> list[list[tuple[int, int, int]]]:
    """The jobs for pubs of ``rows`` parameter rows each (1 for an unparameterised circuit),
    in order, at most ``per_job`` rows a job: each job a list of ``(pub, first row, end
    row)`` pieces. A pub's rows are cut only where a job is full.

    Examples
    --------
    >>> split([3, 3], 4)
    [[(0, 0, 3), (1, 0, 1)], [(1, 1, 3)]]
    >>> split([1, 1, 1], 2)
    [[(0, 0, 1), (1, 0, 1)], [(2, 0, 1)]]
    """
    if per_job < 1:
        raise ValueError(f"per_job must be at least 1; got {per_job}")
    jobs, current, room = [], [], per_job
    for pub, n in enumerate(rows):
        start = 0
        while start < n:
            take = min(room, n - start)
            current.append((pub, start, start + take))
            start += take
            room -= take
            if room == 0:
                jobs.append(current)
                current, room = [], per_job
    if current:
        jobs.append(current)
    return jobs
