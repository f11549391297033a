"""Final states as outputs of a compiled circuit: written in place, and differentiated.

Mixin of ``qml.engine.statevector.ExactCircuit`` for callers that use the states themselves
rather than expectation values -- quantum kernels above all: ``write_states`` fills a
caller's array with no intermediate copy; ``state_vjp`` is the gradient of
``sum_i Re <c_i|psi_i>`` for given cotangent states ``c_i`` by the engine's adjoint pass
(the backward pass of ``vjp`` started from ``c_i`` instead of ``O psi_i``), so a loss of the
states -- a kernel-target alignment -- gets exact gradients at the cost of one forward and
one backward pass per sample, whatever the number of parameters.
"""

from __future__ import annotations

import numpy as np

from qml.engine.memory import check_memory

__all__ = ["StateOutputs"]


class StateOutputs:
    """Mixin of ``ExactCircuit``: ``write_states`` and ``state_vjp``."""

    def write_states(self, X, out: np.ndarray, global_phase: bool = True,
                     W=None) -> np.ndarray:
        """The final states of samples ``X`` (with one weight set ``W``, if the circuit has
        weights), written into ``out`` (complex, C-contiguous, shape ``(len(X), 2**n)``) with
        no intermediate copy: a caller that keeps many states (a kernel's block of them)
        holds them once. ``global_phase=False`` leaves out the circuit's global phase (which
        a fidelity does not see). Returns ``out``.

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> from qiskit.circuit import Parameter
        >>> from qml.engine.statevector import compile_circuit
        >>> x = Parameter("x"); qc = QuantumCircuit(1); _ = qc.ry(x, 0)
        >>> ec = compile_circuit(qc, [x], [], [])
        >>> ec.write_states(np.array([[np.pi]]), np.empty((1, 2), complex)).real.round(6)
        array([[0., 1.]])
        """
        X, W = self._check(X, W)
        n = 2**self.n_qubits
        if len(W) != 1:
            raise ValueError("write_states takes one weight set")
        if out.shape != (len(X), n) or out.dtype != np.complex128 \
                or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous complex array of shape "
                             f"({len(X)}, {n}); got {out.dtype} {out.shape}")
        check_memory(self.memory_needed(len(X), 1, threads=1), f"{len(X)} "
                     f"{self.n_qubits}-qubit feature states", "Ask for fewer at once.")
        tables = self._tables(X, W)
        rows, start, init = self._start()
        target = out if self.dtype is np.complex128 else np.empty((len(X), n), self.dtype)
        self._forward(self._pairs(1, range(len(X))), rows, start, tables, len(X), init,
                      target, expect=False)
        if target is not out:  # a real circuit's states, widened once
            out[...] = target
        if global_phase:
            phase = np.broadcast_to(np.asarray(self.global_phase.value(X, W),
                                               dtype=float).reshape(-1), (len(X),))
            if np.any(phase):
                out *= np.exp(1j * phase)[:, None]
        return out

    def state_vjp(self, X, W, cotangent: np.ndarray, inputs: bool = False):
        """Gradient of ``sum_i Re <cotangent[i]|psi_i>``, ``psi_i`` the final state of sample
        ``X[i]`` with the one weight set ``W`` (without the global phase, as
        ``write_states(..., global_phase=False)``), by adjoint differentiation.

        Returns
        -------
        grad_weights : array (m,)
        grad_inputs : array (B, d) or None (``inputs=False``)

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> from qiskit.circuit import Parameter
        >>> from qml.engine.statevector import compile_circuit
        >>> x = Parameter("x"); qc = QuantumCircuit(1); _ = qc.ry(x, 0)
        >>> ec = compile_circuit(qc, [x], [], [])
        >>> _, g = ec.state_vjp(np.array([[0.4]]), None, np.array([[1.0, 0.0]]), inputs=True)
        >>> round(float(g[0, 0]), 6), round(float(-np.sin(0.2) / 2), 6)  # d cos(x / 2) / dx
        (-0.099335, -0.099335)
        """
        X, W = self._check(X, W)
        if len(W) != 1:
            raise ValueError("state_vjp takes one weight set")
        B, n = len(X), 2**self.n_qubits
        cotangent = np.asarray(cotangent)
        if cotangent.shape != (B, n):
            raise ValueError(f"cotangent must have shape ({B}, {n}); got {cotangent.shape}")
        if self.program.real:  # real states: only the real part of <c|dpsi> is there
            cotangent = cotangent.real
        chunk = self._chunk_samples(B, 1)
        check_memory(self.memory_needed(B, 1, gradient=True, threads=1, kept_samples=chunk)
                     + chunk * self.state_bytes, f"an exact {self.n_qubits}-qubit state "
                     "gradient", "Use fewer qubits or fewer samples per call.")
        tables = self._tables(X, W)
        rows, start, init = self._start()
        gW = np.zeros((1, self.n_weights))
        gX = np.zeros((1, B, self.n_inputs)) if inputs else None
        stop = 0 if inputs else self.prefix
        program = self.program
        for first in range(0, B, chunk):
            sl = slice(first, min(B, first + chunk))
            pairs = self._pairs(1, range(sl.start, sl.stop))
            states = np.empty((len(pairs), n), dtype=self.dtype)
            self._forward(pairs, rows, start, tables, B, init, states, expect=False)
            given = np.ascontiguousarray(cotangent[sl], dtype=self.dtype)
            no_cot = np.zeros((len(pairs), max(1, self.n_outputs)), dtype=self.dtype)
            grads = np.zeros((len(pairs), len(program.slot_info)))

            self._backward(pairs, states, no_cot, stop, tables, B, self._terms[:0],
                           self._coeffs[:0], grads, given)
            grads = (grads / 2).reshape(1, -1, len(program.slot_info))  # 2 Re <c|dpsi> -> Re
            for s, slot in enumerate(program.slot_info):
                if slot.op >= stop:
                    self._accumulate(slot.angle, grads[:, :, s], X[sl], W, gW,
                                     None if gX is None else gX[:, sl])
        return gW[0], None if gX is None else gX[0]
