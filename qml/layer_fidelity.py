"""Layer fidelity and EPLG (error per layered gate), the metric IBM reports beside quantum
volume since November 2023 (McKay et al., arXiv:2311.05933), measured like QV: on a chain of
connected qubits of a device, through qiskit-experiments' ``LayerFidelity`` (not
re-implemented here), with its uncertainty, as a ``LayerFidelityResult`` saved as JSON.

The chain's two-qubit gates are split into two disjoint layers (every other link); direct
randomized benchmarking of each layer gives the process fidelity of every pair (and of every
idle qubit); the layer fidelity ``LF`` is their product and ``EPLG = 1 - LF**(1/n_2q)`` with
``n_2q`` the chain's two-qubit gates. ``expected_eplg`` gives the EPLG that a device's reported
two-qubit gate errors alone imply (process infidelity ``(d + 1) / d`` times the average gate
error, ``d = 4``); single-qubit and idle errors add to the measured value.

On ``aer:<fake device>`` the sequences run on qlimits' engine: each circuit's exact output
distribution under the device's local noise (``qml.engine.noisy_circuit``), then seeded
shots; chains longer than the engine's limit, or circuits it cannot express, run on Aer with
the device's noise model (a log line says which).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from qml.backends.spec import DEFAULT_SHOTS
from qml.engine.pauli_transfer import MAX_QUBITS
from qml.errors import CircuitTooWideError, ConfigurationError
from qml.result_file import ResultFile, document_schema
from qml.validation import check_count
from qml.volume.devices import two_qubit_errors

__all__ = ["DEFAULT_LENGTHS", "LayerFidelityResult", "chain_layers", "expected_eplg",
           "measure_layer_fidelity", "reported_eplg", "select_chain"]

MAX_LENGTH = 5000  # layers in one sequence: far past the decay of any device's layers
MAX_LENGTHS = 100

logger = logging.getLogger(__name__)

DEFAULT_LENGTHS = (2, 4, 8, 16, 30, 50, 80)  # layers per sequence (simulated devices)


def select_chain(target, n_qubits: int) -> list[int]:
    """A chain (a path in the coupling map) of ``n_qubits`` qubits with low two-qubit
    errors: grown from every qubit by the best next link at either end; the chain with the
    smallest total error wins.

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> chain = select_chain(fake_backend("fake_lima").target, 4)
    >>> len(chain), len(set(chain))
    (4, 4)
    """
    if n_qubits < 2:
        raise ConfigurationError(f"a chain needs at least 2 qubits; got {n_qubits}")
    edges = two_qubit_errors(target)
    links: dict[int, dict[int, float]] = {}
    for (a, b), err in edges.items():
        links.setdefault(a, {})[b] = err
        links.setdefault(b, {})[a] = err
    best, best_error = None, None
    for start in sorted(links):
        chain, total = [start], 0.0
        while len(chain) < n_qubits:
            options = [(err, end, q) for end in (0, -1) for q, err in links[chain[end]].items()
                       if q not in chain]
            if not options:
                break
            err, end, q = min(options)
            chain = [q, *chain] if end == 0 else [*chain, q]
            total += err
        if len(chain) == n_qubits and (best_error is None or total < best_error):
            best, best_error = chain, total
    if best is None:
        raise CircuitTooWideError(f"no chain of {n_qubits} connected qubits on this device")
    return best


def chain_layers(chain: Sequence[int]) -> list[list[tuple[int, int]]]:
    """The chain's links in two disjoint layers: links 0, 2, 4, ... and 1, 3, 5, ...

    Examples
    --------
    >>> chain_layers([0, 1, 3, 4])
    [[(0, 1), (3, 4)], [(1, 3)]]
    """
    links = [(int(a), int(b)) for a, b in zip(chain[:-1], chain[1:])]
    return [layer for layer in (links[0::2], links[1::2]) if layer]


def expected_eplg(target, chain: Sequence[int]) -> float:
    """The EPLG that the device's reported two-qubit gate errors alone imply on ``chain``:
    each link's process fidelity ``1 - 5/4 e`` (from its average gate error ``e``), their
    product the layer fidelity. Single-qubit and idle errors are left out, so a measurement
    under the full noise lies above it.

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> target = fake_backend("fake_lima").target
    >>> round(expected_eplg(target, [0, 1, 3, 4]), 4)
    0.0161
    """
    edges = two_qubit_errors(target)
    fidelities = []
    for a, b in zip(chain[:-1], chain[1:]):
        key = tuple(sorted((int(a), int(b))))
        if key not in edges:
            raise ConfigurationError(f"qubits {a} and {b} of the chain are not linked")
        fidelities.append(1 - 5 / 4 * edges[key])
    return float(1 - np.prod(fidelities) ** (1 / len(fidelities)))


def reported_eplg(target, n_qubits: int = 8) -> tuple[list[int], float]:
    """``expected_eplg`` on the device's best chain of ``n_qubits`` qubits, or of as many as
    its coupling map allows: ``(chain, eplg)``; for tables of many devices (``qv devices``).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> chain, eplg = reported_eplg(fake_backend("fake_lima").target)
    >>> len(chain), round(eplg, 4)
    (4, 0.0151)
    """
    for n in range(min(n_qubits, target.num_qubits), 1, -1):
        try:
            chain = select_chain(target, n)
        except CircuitTooWideError:
            continue
        return chain, expected_eplg(target, chain)
    raise CircuitTooWideError("the device has no two linked qubits")


@dataclass
class LayerFidelityResult(ResultFile):
    """A layer-fidelity measurement on a chain of qubits.

    Attributes
    ----------
    backend : str
        As given (``aer:<device>``, or ``"custom"`` for a simulator of your own).
    chain : list of int
        Physical qubits, in chain order.
    layers : list of list of [int, int]
        The two disjoint layers of links.
    lengths : list of int
        Layers per sequence.
    num_samples, shots, seed
        Random sequences per length, shots per circuit, the seed.
    layer_fidelity, layer_fidelity_stderr : float, float or None
        ``LF`` and its standard error (None when a factor's fit gives none, e.g. an idle
        qubit without any error).
    eplg, eplg_stderr : float, float or None
        ``EPLG = 1 - LF**(1/n_2q)`` and its standard error.
    pairs : list of dict
        Per link, in chain order: ``qubits``, ``process_fidelity``, ``stderr``, ``quality``.
    expected_eplg : float or None
        What the reported two-qubit errors alone imply (None without a device).
    quality : str
        ``"good"`` when every fit of the experiment is, else ``"bad"`` (qiskit-experiments'
        judgement: too few samples, lengths or shots for the decay).
    seconds : float
        Wall time.
    """

    FORMAT = "qlimits.layer_fidelity"
    FORMAT_VERSION = 1
    SCHEMA = document_schema({
        "backend": {"type": "string"},
        "chain": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2},
        "layers": {"type": "array"},
        "lengths": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "num_samples": {"type": "integer", "minimum": 1},
        "shots": {"type": "integer", "minimum": 1},
        "seed": {"type": ["integer", "null"]},
        "layer_fidelity": {"type": "number", "minimum": 0, "maximum": 1.5},
        "layer_fidelity_stderr": {"type": ["number", "null"], "minimum": 0},
        "eplg": {"type": "number"},
        "eplg_stderr": {"type": ["number", "null"], "minimum": 0},
        "pairs": {"type": "array", "items": {"type": "object"}},
        "expected_eplg": {"type": ["number", "null"]},
        "quality": {"enum": ["good", "bad"]},
        "seconds": {"type": "number", "minimum": 0},
    }, required=["backend", "chain", "layers", "layer_fidelity", "eplg", "eplg_stderr"])

    backend: str
    chain: list[int]
    layers: list
    lengths: list[int]
    num_samples: int
    shots: int
    seed: int | None
    layer_fidelity: float
    layer_fidelity_stderr: float | None
    eplg: float
    eplg_stderr: float | None
    pairs: list[dict] = field(default_factory=list)
    expected_eplg: float | None = None
    quality: str = "good"
    seconds: float = 0.0

    def _to_body(self) -> dict:
        return asdict(self)

    @classmethod
    def _from_body(cls, doc: dict) -> LayerFidelityResult:
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in doc.items() if k in names})


DENSITY_MATRIX_QUBITS = 10  # up to this chain length Aer's density-matrix method is used


def _device(backend, n_qubits: int):
    """``(device or None, runtime Target or None, name)`` for a backend string, or a
    simulator of your own. ``fake:`` and ``ibm:`` backends are runtime backends: their jobs go
    through the ledger; an ``ibm:`` backend needs credentials, checked here before any work."""
    from qml.backends.dispatch import resolve

    where = resolve(backend) if isinstance(backend, str) else None
    if where is None:
        return None, None, "custom"
    if where.kind == "device":
        return where.device(), None, where.name
    if where.runtime:
        return where.device(n_qubits), where, where.name
    raise ConfigurationError(
        f"layer fidelity runs on a device: backend 'aer:<fake device>' (its noise model in "
        f"Aer), 'fake:<fake device>' or 'ibm:<device>' (through the job ledger), or an "
        f"AerSimulator of your own; got {backend!r}")


def _named_meas(circuit):
    """The circuit with its classical register named ``meas`` (what the ledger's sampler
    results are read from), metadata kept."""
    from qiskit import ClassicalRegister, QuantumCircuit

    out = QuantumCircuit(*circuit.qregs, ClassicalRegister(circuit.num_clbits, "meas"),
                         name=circuit.name, metadata=circuit.metadata)
    out.compose(circuit, qubits=range(circuit.num_qubits), clbits=range(circuit.num_clbits),
                inplace=True)
    return out


def _analysed(experiment, circuits, counts: list, shots: int):
    """qiskit-experiments' own analysis of the experiment on ``counts`` (one dict per
    circuit)."""
    from qiskit_experiments.framework import ExperimentData

    data = ExperimentData(experiment=experiment)
    data.add_data([{"counts": c, "metadata": circuit.metadata, "shots": shots,
                    "meas_level": 2} for c, circuit in zip(counts, circuits)])
    return experiment.analysis.run(data).block_for_results()


def _run_through_ledger(experiment, where, device, shots: int, seed: int | None):
    """The experiment's circuits as one sampler job through the ledger (a rerun reads the
    stored result instead of submitting again); qiskit-experiments' own analysis on the
    counts."""
    from qml.hardware.runtime import transpile_for

    circuits = experiment.circuits()  # already on the device's physical qubits
    width = circuits[0].num_qubits
    isa = transpile_for(where.spec, device, [_named_meas(c) for c in circuits], 0, seed,
                        initial_layout=list(range(width)))
    jobs = where.jobs(device)
    bits = jobs.run(isa, [None] * len(isa), shots, "layer_fidelity", seed)
    return _analysed(experiment, circuits, [b.get_counts() for b in bits], shots)


def _engine_counts(circuits, device, shots: int, seed: int | None) -> list | None:
    """Counts of every circuit drawn from the engine's exact noisy output distribution
    (``qml.engine.noisy_circuit``, the device's errors converted once for all circuits), one
    seeded stream in circuit order; None
    when the engine cannot run one of them (then Aer runs them all)."""
    from qiskit import transpile

    from qml.backends.device_noise import device_errors
    from qml.engine.noisy_circuit import NoisyCircuit
    from qml.engine.pauli_transfer import channel_ptm
    from qml.engine.sampling import draw_counts
    from qml.errors import UnsupportedCircuitError

    width = circuits[0].num_qubits
    isa = transpile(circuits, device, optimization_level=0, initial_layout=list(range(width)),
                    seed_transpiler=seed)
    used = sorted({c.find_bit(q).index for c in isa for inst in c.data
                   if inst.name != "barrier" for q in inst.qubits})
    gate_errors, readout_errors = device_errors(device, used)  # once for every circuit
    gate_errors = [(name, qubits, channel_ptm(error)) for name, qubits, error in gate_errors]
    rng = np.random.default_rng(seed)
    out = []
    for circuit in isa:
        measured, bits = _measured_bits_only(circuit)
        try:
            engine = NoisyCircuit(measured, [], [], gate_errors, readout_errors)
        except UnsupportedCircuitError as exc:
            logger.info("layer fidelity: Aer runs the circuits (the engine cannot: %s)", exc)
            return None
        counts = draw_counts(engine.probabilities()[0, 0], shots, rng)
        outcomes = np.flatnonzero(counts)
        full = sum(((outcomes >> j) & 1) << b for j, b in enumerate(bits))  # all clbits
        out.append({format(int(i), f"0{circuit.num_clbits}b"): int(counts[o])
                    for i, o in zip(np.atleast_1d(full), outcomes)})
    return out


def _measured_bits_only(circuit):
    """The circuit with only its measured classical bits (the experiment's circuits span the
    device's qubits up to the chain's highest, and measure the chain's), and those bits'
    positions in the original."""
    from qiskit import QuantumCircuit

    bits = sorted({circuit.find_bit(b).index for inst in circuit.data for b in inst.clbits})
    index = {b: j for j, b in enumerate(bits)}
    out = QuantumCircuit(circuit.num_qubits, len(bits))
    for inst in circuit.data:
        out.append(inst.operation, [circuit.find_bit(q).index for q in inst.qubits],
                   [index[circuit.find_bit(b).index] for b in inst.clbits])
    return out, bits


def _device_simulator(device, n_qubits: int):
    """Aer with the device's noise model: exact density matrices (then shots) for short
    chains, which costs nothing per shot (the state-vector trajectories Aer would otherwise
    choose cost one run per shot), and trajectories beyond."""
    from qiskit_aer import AerSimulator

    method = "density_matrix" if n_qubits <= DENSITY_MATRIX_QUBITS else "statevector"
    return AerSimulator.from_backend(device, method=method)


def _seeded_sampler(simulator, seed: int | None):
    """Aer's sampler on ``simulator``, seeded: qiskit-experiments' own sampler (the runtime's,
    in local mode) does not pass ``seed_simulator`` on, and the same seed gave other counts
    on every run."""
    from qiskit_aer.primitives import SamplerV2

    return SamplerV2.from_backend(simulator, seed=seed)


def _value(row) -> tuple[float, float | None]:
    """Nominal value and standard error (None where the fit gives none: a subsystem without
    any error decays not at all)."""
    value = row.value
    err = float(getattr(value, "std_dev", 0.0))
    return float(getattr(value, "nominal_value", value)), (err if np.isfinite(err) else None)


def measure_layer_fidelity(backend, n_qubits: int | None = None,
                           qubits: Sequence[int] | None = None,
                           lengths: Sequence[int] = DEFAULT_LENGTHS, num_samples: int = 6,
                           shots: int = DEFAULT_SHOTS, seed: int | None = None
                           ) -> LayerFidelityResult:
    """Measure layer fidelity and EPLG on a chain of qubits with qiskit-experiments'
    ``LayerFidelity``.

    Parameters
    ----------
    backend : str or AerSimulator
        ``"aer:<fake device>"`` (the device's noise and coupling map: the engine's exact
        noisy distributions for chains up to ``qml.engine.pauli_transfer.MAX_QUBITS``
        qubits, Aer with the device's noise model beyond), ``"fake:<fake device>"`` or
        ``"ibm:<device>"`` (through the job ledger), or a simulator of your own (then give
        ``qubits``).
    n_qubits : int, optional
        Chain length; the chain is chosen by ``select_chain`` (default 8). Give this or
        ``qubits``.
    qubits : sequence of int, optional
        The chain itself, in order; every neighbouring pair must be linked.
    lengths : sequence of int
        Layers per sequence (``DEFAULT_LENGTHS``).
    num_samples : int, default=6
        Random sequences per length.
    shots : int, default=1024
        Shots per circuit.
    seed : int, optional
        Drives the sequences and the simulator.

    Returns
    -------
    LayerFidelityResult

    Examples
    --------
    >>> res = measure_layer_fidelity("aer:fake_lima", n_qubits=3, lengths=[2, 8, 16, 32, 64],
    ...                              num_samples=6, shots=512, seed=1)
    >>> len(res.chain), 0 < res.eplg < 0.2
    (3, True)
    """
    from qiskit_experiments.library.randomized_benchmarking import LayerFidelity

    check_count("num_samples", num_samples)
    check_count("shots", shots)
    lengths = [int(n) for n in lengths]
    if not lengths or min(lengths) < 1 or len(set(lengths)) < 3 or \
            max(lengths) > MAX_LENGTH or len(lengths) > MAX_LENGTHS:
        raise ConfigurationError(f"lengths must hold 3 to {MAX_LENGTHS} different numbers of "
                                 f"layers from 1 to {MAX_LENGTH} (by then every layer "
                                 f"fidelity has decayed); got {lengths[:10]}")
    if qubits is not None and n_qubits is not None:
        raise ConfigurationError("give n_qubits (a chain chosen for you) or qubits (your "
                                 "chain), not both")
    device, jobs_target, name = _device(backend, len(qubits) if qubits is not None else
                                 (8 if n_qubits is None else int(n_qubits)))
    target = None if device is None else device.target
    if qubits is not None:
        chain = [int(q) for q in qubits]
        if len(set(chain)) != len(chain) or len(chain) < 2:
            raise ConfigurationError(f"qubits {chain}: give at least 2 distinct qubits")
        if target is not None:
            expected_eplg(target, chain)  # every neighbouring pair is linked
    elif target is None:
        raise ConfigurationError("a simulator of your own has no coupling map to choose a "
                                 "chain from: give qubits=[...]")
    else:
        n = 8 if n_qubits is None else int(n_qubits)
        if n > target.num_qubits:
            raise CircuitTooWideError(f"a chain of {n} qubits exceeds the device's "
                                      f"{target.num_qubits}")
        chain = select_chain(target, n)
    layers = chain_layers(chain)
    logger.info("layer fidelity on %s: chain %s, layers %s, lengths %s", name, chain, layers,
                lengths)
    start = time.perf_counter()
    data = None
    if jobs_target is not None:  # fake: / ibm:: one job through the ledger
        experiment = LayerFidelity(physical_qubits=chain, two_qubit_layers=layers,
                                   lengths=lengths, backend=device, num_samples=num_samples,
                                   seed=seed)
        data = _run_through_ledger(experiment, jobs_target, device, int(shots), seed)
    elif device is not None and len(chain) <= MAX_QUBITS:  # aer:<fake>: the engine first
        experiment = LayerFidelity(physical_qubits=chain, two_qubit_layers=layers,
                                   lengths=lengths, backend=device, num_samples=num_samples,
                                   seed=seed)
        circuits = experiment.circuits()
        counts = _engine_counts(circuits, device, int(shots), seed)
        if counts is not None:
            logger.info("layer fidelity: the engine's exact noisy distributions, then shots")
            data = _analysed(experiment, circuits, counts, int(shots))
    if data is None:  # Aer: a simulator of your own, a long chain, or what the engine lacks
        simulator = backend if device is None else _device_simulator(device, len(chain))
        experiment = LayerFidelity(physical_qubits=chain, two_qubit_layers=layers,
                                   lengths=lengths, backend=simulator, num_samples=num_samples,
                                   seed=seed)
        data = experiment.run(sampler=_seeded_sampler(simulator, seed),
                              shots=int(shots)).block_for_results()
    table = data.analysis_results(dataframe=True)
    if "EPLG" not in set(table.get("name", [])):
        raise ConfigurationError(
            f"the layer-fidelity fits gave no EPLG on {name} (experiment status "
            f"{data.status().name}); use more lengths, samples or shots")
    lf, lf_err = _value(table[table.name == "LF"].iloc[0])
    eplg, eplg_err = _value(table[table.name == "EPLG"].iloc[0])
    pairs = []
    for _, row in table[table.name == "ProcessFidelity"].iterrows():
        components = [int(str(c).lstrip("Q")) for c in row.components]
        if len(components) == 2:
            value, err = _value(row)
            pairs.append({"qubits": components, "process_fidelity": value, "stderr": err,
                          "quality": str(row.quality)})
    position = {q: i for i, q in enumerate(chain)}
    pairs.sort(key=lambda p: min(position.get(q, len(chain)) for q in p["qubits"]))
    quality = "good" if (table.quality == "good").all() else "bad"
    result = LayerFidelityResult(
        name, chain, [[list(e) for e in layer] for layer in layers], lengths, int(num_samples),
        int(shots), seed, lf, lf_err, eplg, eplg_err, pairs,
        None if target is None else expected_eplg(target, chain), quality,
        time.perf_counter() - start)
    logger.info("layer fidelity %.4f ± %s, EPLG %.4f ± %s (%s fits, %.1f s)", lf, lf_err,
                eplg, eplg_err, quality, result.seconds)
    return result
