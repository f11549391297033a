"""How the exact engine runs its program: the forward and adjoint passes of a batch of
(parameter set, sample) pairs, split over the engine's threads, each thread with its own
working buffers, gate by gate or -- for states larger than a core's cache -- in the
cache-blocked stages of ``qml.engine.cache_blocking``.
"""

from __future__ import annotations

import numpy as np

from qml.engine import drivers
from qml.engine.cache_blocking import TilePlan, plan
from qml.engine.gate_kernels import phase_scratch_size
from qml.engine.memory import available_memory, default_threads, thread_pool

__all__ = ["ProgramPasses"]

_INLINE_WORK = 1 << 15  # amplitudes x pairs below which threads cost more than they save


class ProgramPasses:
    """The passes of ``qml.engine.statevector.ExactCircuit`` (a mixin): it reads the
    circuit's ``program``, ``n_qubits``, ``dtype``, ``state_bytes``, ``threads`` and
    observables, and keeps the cache-blocking plans it made.

    Examples
    --------
    >>> from qiskit.circuit.library import real_amplitudes
    >>> from qiskit.quantum_info import SparsePauliOp
    >>> from qml.engine.statevector import compile_circuit
    >>> ra = real_amplitudes(3, reps=1)
    >>> ec = compile_circuit(ra, [], list(ra.parameters), [SparsePauliOp("IIZ")])
    >>> ec.tile_qubits is None  # 8 amplitudes: gate by gate
    True
    >>> ec.tile_qubits = 2  # forced: tiles of 4 amplitudes, the same values
    >>> ec.expectations(None, np.full((1, 6), 0.3)).round(6)
    array([[[0.905041]]])
    """

    @property
    def tile_qubits(self) -> int | None:
        """Qubits per tile of the cache-blocked program (``qml.engine.cache_blocking``), or
        None when the state is small enough to run gate by gate; settable."""
        return self._tile_qubits

    @tile_qubits.setter
    def tile_qubits(self, size: int | None) -> None:
        if size is not None and not 2 <= size < self.n_qubits:
            raise ValueError(f"tile_qubits must be in 2..{self.n_qubits - 1} or None; "
                             f"got {size}")
        self._tile_qubits = size
        self._plans = {}

    def _threads(self, n_pairs: int) -> int:
        threads = self.threads or default_threads()
        if n_pairs * 2**self.n_qubits < _INLINE_WORK:
            return 1
        return max(1, min(threads, n_pairs))

    def _parallel(self, n_pairs: int, job, gradient: bool) -> None:
        """Run ``job(slice, work, scratch, lam, buf, lbuf)`` over blocks of pairs on the
        engine's threads, each with its own buffers (``buf`` and, in a gradient, ``lbuf``:
        one tile each when the plan is cache-blocked)."""
        threads = self._threads(n_pairs)
        free = available_memory()
        per_thread = self.state_bytes * (1 + gradient)
        threads = max(1, min(threads, free // (2 * per_thread)))
        bounds = np.linspace(0, n_pairs, threads + 1).astype(int)
        tile = 2**self.tile_qubits if self.tile_qubits else 0

        def run(t):
            n = 2**self.n_qubits
            work = np.empty(n, dtype=self.dtype)
            scratch = np.empty(phase_scratch_size(self.n_qubits) if self.program.fused else 0,
                               dtype=self.dtype)
            lam = np.empty(n if gradient else 0, dtype=self.dtype)
            buf = np.empty(tile, dtype=self.dtype)
            lbuf = np.empty(tile if gradient else 0, dtype=self.dtype)
            job(slice(bounds[t], bounds[t + 1]), work, scratch, lam, buf, lbuf)

        if threads == 1:
            run(0)
        else:
            for future in [thread_pool(threads).submit(run, t) for t in range(threads)]:
                future.result()

    @property
    def forward_plan(self) -> TilePlan:
        """The stages of the whole forward program (``qml.engine.cache_blocking``):
        ``forward_plan.passes`` is the number of passes over the state per sample."""
        return self._plan(self.program.forward_rows, 0, forward=True)

    def _plan(self, rows: np.ndarray, start: int, forward: bool) -> TilePlan:
        """The (cached) stages of ``rows[start:]``: the forward rows or a prefix of them,
        or the unfused rows of the backward pass."""
        key = (forward, len(rows), start)
        if key not in self._plans:
            self._plans[key] = plan(rows, self.n_qubits, self.tile_qubits, start)
        return self._plans[key]

    def _forward(self, pairs, rows, start, tables, n_samples, init, states, expect=True):
        """Forward pass of ``pairs``; returns their expectations (pairs, K)."""
        out = np.zeros((len(pairs), self.n_outputs))
        init = np.zeros((0, 2**self.n_qubits), dtype=self.dtype) if init is None else init
        terms = self._terms if expect else self._terms[:0]
        no_states = np.zeros((0, 2**self.n_qubits), dtype=self.dtype)
        p = self._plan(rows, start, forward=True)

        def job(sl, work, scratch, lam, buf, lbuf):
            drivers.forward(pairs[sl], p.ops, p.bounds, p.tiled, p.offsets, p.bases, p.run,
                            p.tile_qubits, tables, n_samples, self.n_qubits, init, terms,
                            self._coeffs, out[sl],
                            no_states if states is None else states[sl], work, scratch, buf)

        self._parallel(len(pairs), job, gradient=False)
        return out

    def _backward(self, pairs, states, cot, stop, tables, n_samples, terms, coeffs, grads,
                  given) -> None:
        """Adjoint pass of ``pairs`` from their final ``states`` down to program row
        ``stop``, adding each slot's gradient to ``grads`` (pairs, slots)."""
        program = self.program
        p = self._plan(program.rows, stop, forward=False)

        def job(part, work, scratch, lam, buf, lbuf):
            drivers.backward(pairs[part], states[part], cot[part], p.ops, p.order, p.bounds,
                             p.tiled, p.offsets, p.bases, p.run, program.slots,
                             program.slot_of, tables, n_samples, terms, coeffs, grads[part],
                             lam, given[part], buf, lbuf)

        self._parallel(len(pairs), job, gradient=True)

