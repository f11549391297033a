"""Shots from the exact engine: each circuit's exact output distribution, then sampling.

A noise-free device measured ``shots`` times returns a draw from the multinomial distribution
of its final state's probabilities ``|<i|psi>|^2``. Sampling that distribution directly gives
counts with exactly the statistics a shot-based simulator's would have, without simulating
the circuit once per shot: the engine runs each (parameter set, sample) pair once, and the
counts are drawn from its probabilities -- by a multinomial draw when the shots are many for
the number of outcomes, else by inverting the cumulative distribution at ``shots`` uniform
numbers (the same law, cheaper when ``2**n`` is large).

Each pair draws from its own counter-based stream (``numpy.random.Philox``), keyed by a hash
of the seed, a label and the pair's own inputs and weights (``pair_keys``): its counts do not
depend on which other pairs share the call, so the same seed gives the same counts in one call
or in chunks, in one process or on many workers, and on a resumed run.

Mixin of ``qml.engine.statevector.ExactCircuit`` (and of the noisy engine's circuits):
``probabilities``, ``sample_counts`` and ``sampled_expectations``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qml.engine.memory import check_memory

__all__ = ["ShotSampling", "pair_keys", "z_diagonals", "draw_counts"]

_CHUNK_BYTES = 32 * 2**20  # states and counts of the pairs sampled at once


def z_diagonals(observables: Sequence[SparsePauliOp], n_qubits: int) -> np.ndarray:
    """The diagonals (K, 2**n) of observables made of Z and I only: ``counts @ diag.T /
    shots`` are their estimates from counts.

    Examples
    --------
    >>> z_diagonals([SparsePauliOp("IZ"), SparsePauliOp(["ZZ", "II"], [0.5, 0.5])], 2)
    array([[ 1., -1.,  1., -1.],
           [ 1.,  0.,  0.,  1.]])
    """
    out = np.empty((len(observables), 2**n_qubits))
    for k, op in enumerate(observables):
        op = SparsePauliOp(op)
        if op.num_qubits != n_qubits:
            raise ValueError(f"observable {k} acts on {op.num_qubits} qubits; the circuit "
                             f"has {n_qubits}")
        if op.paulis.x.any():
            raise ValueError("measured in the computational basis, observables must be made "
                             "of Z and I only")
        out[k] = np.real(op.to_matrix(sparse=True).diagonal())
    return out


def _row_hashes(prefix: bytes, rows: np.ndarray) -> np.ndarray:
    rows = np.ascontiguousarray(rows, dtype=float)
    return np.array([int.from_bytes(hashlib.blake2b(prefix + row.tobytes(),
                                                    digest_size=8).digest(), "little")
                     for row in rows], dtype=np.uint64)


def pair_keys(seed: int, label: str, X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """The Philox key (P, B, 2) of every (parameter set, sample) pair: hashes of the seed and
    ``label`` with the sample's inputs and with the set's weights. A pair's key, and so its
    counts, depend on nothing else in the call.

    Examples
    --------
    >>> X, W = np.array([[0.1], [0.2]]), np.array([[1.0]])
    >>> keys = pair_keys(7, "prediction", X, W)
    >>> keys.shape, bool((pair_keys(7, "prediction", X[1:], W)[0, 0] == keys[0, 1]).all())
    ((1, 2, 2), True)
    """
    head = f"{int(seed)}:{label}:".encode()
    hx = _row_hashes(head + b"x", np.atleast_2d(X))
    hw = _row_hashes(head + b"w", np.atleast_2d(W))
    return np.stack(np.broadcast_arrays(hw[:, None], hx[None, :]), axis=-1)


def draw_counts(probabilities: np.ndarray, shots: int,
                generator: np.random.Generator) -> np.ndarray:
    """Counts of ``shots`` draws from one distribution over ``2**n`` outcomes (normalised
    here; rounding leaves exact probabilities a few ulps off 1).

    Examples
    --------
    >>> draw_counts(np.array([0.5, 0.0, 0.5, 0.0]), 10, np.random.default_rng(0)).tolist()
    [6, 0, 4, 0]
    """
    p = np.clip(probabilities, 0.0, None)
    if 4 * shots >= len(p):  # many shots per outcome: one binomial draw per outcome
        return generator.multinomial(shots, p / p.sum())
    cdf = np.cumsum(p)
    drawn = np.searchsorted(cdf, generator.random(shots) * cdf[-1], side="right")
    return np.bincount(np.minimum(drawn, len(p) - 1), minlength=len(p))


class _KeyedStreams:
    """``Generator(Philox(key=k))`` for one key after another, by resetting one bit
    generator's key and counter (six times cheaper than building one per pair)."""

    def __init__(self):
        self._bits = np.random.Philox(key=np.zeros(2, dtype=np.uint64))
        self._generator = np.random.Generator(self._bits)
        self._state = self._bits.state

    def __call__(self, key: np.ndarray) -> np.random.Generator:
        self._state["state"]["key"] = key
        self._state["state"]["counter"] = np.zeros(4, dtype=np.uint64)
        self._state.update(buffer_pos=4, has_uint32=0, uinteger=0)
        self._bits.state = self._state
        return self._generator


class ShotSampling:
    """Mixin of ``ExactCircuit`` and ``qml.engine.noisy_circuit.NoisyCircuit``: output
    distributions, and counts and expectation estimates from ``shots`` draws of them (see the
    module docstring). ``_distributions`` here is the exact engine's (pure states); the noisy
    circuit has its own, and both share the sampling."""

    def _distributions(self, X, W, extra_bytes: int = 0):
        """``(pairs slice, probabilities (c, 2**n))`` over chunks of the (set, sample) pairs,
        set-major; the memory of a chunk and of the call checked first."""
        P, B, n = len(W), len(X), 2**self.n_qubits
        pair_bytes = self.state_bytes + 8 * n + extra_bytes
        chunk = max(1, min(P * B, _CHUNK_BYTES // pair_bytes))
        check_memory(self.memory_needed(B, P, threads=1) + chunk * pair_bytes,
                     f"the output distributions of {self.n_qubits}-qubit circuits",
                     "Use fewer qubits or fewer samples per call.")
        tables = self._tables(X, W)
        rows, start, init = self._start()
        pairs = self._pairs(P, range(B))
        states = np.empty((chunk, n), dtype=self.dtype)
        for first in range(0, P * B, chunk):
            sl = slice(first, min(P * B, first + chunk))
            c = sl.stop - sl.start
            self._forward(pairs[sl], rows, start, tables, B, init, states[:c], expect=False)
            if states.dtype.kind == "c":
                yield sl, states[:c].real ** 2 + states[:c].imag ** 2
            else:
                yield sl, states[:c] ** 2

    def probabilities(self, X=None, W=None) -> np.ndarray:
        """The exact output distribution (P, B, 2**n) of every (parameter set, sample) pair:
        ``|<i|psi>|^2``, outcome ``i`` the bitstring of ``i`` (qubit 0 its lowest bit).

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> from qml.engine.statevector import compile_circuit
        >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
        >>> compile_circuit(qc, [], [], []).probabilities().round(6)
        array([[[0.5, 0. , 0. , 0.5]]])
        """
        X, W = self._check(X, W)
        out = np.empty((len(W) * len(X), 2**self.n_qubits))
        check_memory(out.nbytes, f"{len(out)} output distributions", "Ask for fewer at once.")
        for sl, probs in self._distributions(X, W):
            out[sl] = probs
        return out.reshape(len(W), len(X), -1)

    def _sampled(self, X, W, shots: int, keys, rng, reduce, width: int) -> np.ndarray:
        """``reduce(counts (c, 2**n)) -> (c, width)`` over chunks of pairs, (P, B, width)."""
        X, W = self._check(X, W)
        P, B, n = len(W), len(X), 2**self.n_qubits
        if keys is None and rng is None:
            raise ValueError("sampling needs keys (reproducible) or a generator")
        if keys is not None:
            keys = np.asarray(keys, dtype=np.uint64)
            if keys.shape != (P, B, 2):
                raise ValueError(f"keys must have shape ({P}, {B}, 2); got {keys.shape}")
            keys = keys.reshape(-1, 2)
        streams = _KeyedStreams()
        out = np.empty((P * B, width))
        for sl, probs in self._distributions(X, W, extra_bytes=8 * n):
            counts = np.empty(probs.shape, dtype=np.int64)
            for i in range(len(probs)):
                gen = rng if keys is None else streams(keys[sl.start + i])
                counts[i] = draw_counts(probs[i], shots, gen)
            out[sl] = reduce(counts)
        return out.reshape(P, B, width)

    def sample_counts(self, X, W, shots: int, keys=None,
                      rng: np.random.Generator | None = None) -> np.ndarray:
        """Counts (P, B, 2**n) of ``shots`` measurements of every qubit, per (parameter set,
        sample) pair; outcome ``i`` is the bitstring of ``i`` (qubit 0 its lowest bit), as in
        qiskit. ``keys`` (P, B, 2) from ``pair_keys`` make each pair's counts reproducible on
        their own; otherwise ``rng`` draws them.

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> from qml.engine.statevector import compile_circuit
        >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
        >>> ec = compile_circuit(qc, [], [], [])
        >>> counts = ec.sample_counts(None, None, 1000, rng=np.random.default_rng(0))
        >>> int(counts.sum()), int(counts[0, 0, 1] + counts[0, 0, 2])  # only 00 and 11
        (1000, 0)
        """
        X, W = self._check(X, W)
        n = 2**self.n_qubits
        check_memory(8 * n * len(W) * len(X), f"the counts of {len(W) * len(X)} circuits",
                     "Ask for fewer at once.")
        return self._sampled(X, W, shots, keys, rng, lambda counts: counts, n).astype(np.int64)

    def sampled_expectations(self, X, W, shots: int, diagonals: np.ndarray, keys=None,
                             rng: np.random.Generator | None = None) -> np.ndarray:
        """Estimates (P, B, K) of diagonal observables (``z_diagonals``) from ``shots``
        measurements of every pair, as a shot-based sampler's counts would give them.

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> from qiskit.circuit import Parameter
        >>> from qml.engine.statevector import compile_circuit
        >>> x = Parameter("x"); qc = QuantumCircuit(1); _ = qc.ry(x, 0)
        >>> ec = compile_circuit(qc, [x], [], [])
        >>> diag = z_diagonals([SparsePauliOp("Z")], 1)
        >>> X = np.array([[np.pi / 2]])
        >>> keys = pair_keys(0, "doc", X, np.zeros((1, 0)))
        >>> e = ec.sampled_expectations(X, None, 10_000, diag, keys=keys)
        >>> abs(float(e[0, 0, 0])) < 0.05  # <Z> = cos(pi / 2) = 0, within shot noise
        True
        """
        diagonals = np.asarray(diagonals, dtype=float)
        if diagonals.ndim != 2 or diagonals.shape[1] != 2**self.n_qubits:
            raise ValueError(f"diagonals must have shape (K, {2**self.n_qubits})")
        return self._sampled(X, W, shots, keys, rng, lambda counts: counts @ diagonals.T / shots,
                             len(diagonals))
