"""What several test modules share: the ``qlimits`` command, run in this process through
``main(argv)`` (most cases: fast, and the exit status, output and files are the same), or as
a real subprocess where the process itself is the point (signals, the console script, a
terminal's encoding, concurrency)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

QLIMITS_PROCESS = [sys.executable, "-m", "qml.cli"]  # the command as a real process


@dataclass
class Completed:
    """What a command left: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def qlimits(*args: str, env: dict | None = None, cwd: Path | str | None = None) -> Completed:
    """Run ``qlimits ARGS`` in this process (``env`` added to the environment, in ``cwd``);
    the environment, the working folder and the streams are restored afterwards."""
    from qml.cli import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # the parser's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Completed(code, out.getvalue(), err.getvalue())


# check_estimator runs every scikit-learn check; the one a NumPy-only estimator skips
ARRAY_API_SKIP = {"check_array_api_input": "needs SCIPY_ARRAY_API and an array-API library; "
                                           "qlimits' estimators are NumPy only"}


def assert_sklearn_compatible(estimator, skipped_ok=ARRAY_API_SKIP, min_passed: int = 40):
    """Every scikit-learn estimator check passes on ``estimator``; those skipped are among
    ``skipped_ok`` (name -> reason), and at least ``min_passed`` ran."""
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(estimator, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert failed == []
    assert skipped <= set(skipped_ok)
    assert sum(r["status"] == "passed" for r in results) >= min_passed


def aer_counts(circuit, cc, X, W, shots: int, seed: int, simulator=None):
    """Aer's SamplerV2 counts (circuits, 2**clbits) of a measured classifier circuit (bound
    row by row to ``X[i]`` and ``W[i]``), on ``simulator`` (default: the ideal one)."""
    import numpy as np
    from qiskit_aer.primitives import SamplerV2

    names = {p.name: ("x", i) for i, p in enumerate(cc.inputs)}
    names.update({p.name: ("w", i) for i, p in enumerate(cc.weights)})
    values = np.array([[(x if names[p.name][0] == "x" else w)[names[p.name][1]]
                        for p in circuit.parameters] for x, w in zip(X, W)])
    sampler = SamplerV2(seed=seed, default_shots=shots) if simulator is None else \
        SamplerV2.from_backend(simulator, seed=seed, default_shots=shots)
    data = sampler.run([(circuit, values)]).result()[0].data.meas
    out = np.zeros((len(X), 2**circuit.num_clbits), dtype=int)
    for i in range(len(X)):
        for bits, k in data.get_counts(i).items():
            out[i, int(bits, 2)] = k
    return out


def same_distribution_p(a, b) -> float:
    """Chi-square test that two count vectors come from one distribution (outcomes seen by
    neither left out)."""
    import numpy as np
    from scipy import stats

    seen = (a + b) > 0
    return float(stats.chi2_contingency(np.stack([a[seen], b[seen]]))[1])


def aer_noisy_probabilities(circuit, device, values):
    """Aer's density-matrix probabilities of the measured qubits (clbit order) under the
    device's gate errors, then each qubit's readout confusion applied by hand."""
    import numpy as np
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel
    from qiskit_aer.noise.device import basic_device_readout_errors

    by_clbit = {circuit.find_bit(i.clbits[0]).index: circuit.find_bit(i.qubits[0]).index
                for i in circuit.data if i.name == "measure"}
    qubits = [by_clbit[c] for c in range(len(by_clbit))]
    bare = circuit.assign_parameters(values).remove_final_measurements(inplace=False)
    bare.save_probabilities(qubits)
    sim = AerSimulator(method="density_matrix",
                       noise_model=NoiseModel.from_backend(device, readout_error=False))
    p = np.asarray(sim.run(bare).result().data()["probabilities"])
    readout = {qs[0]: np.asarray(e.probabilities) for qs, e in
               basic_device_readout_errors(target=device.target)}
    n = len(qubits)
    p = p.reshape((2,) * n)
    for c, q in enumerate(qubits):  # clbit c is axis n - 1 - c
        p = np.moveaxis(np.tensordot(readout[q].T, p, axes=([1], [n - 1 - c])), 0, n - 1 - c)
    return p.reshape(-1)
