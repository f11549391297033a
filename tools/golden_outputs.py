"""Numbers that a refactoring must not change, from one checkout, as JSON: the same seeds must
give the same weights, HOPs, kernels and projections on every tree.

    python tools/golden_outputs.py runs/golden_new.json
    PYTHONPATH=/path/to/old/checkout python tools/golden_outputs.py runs/golden_old.json
    python tools/golden_outputs.py --compare runs/golden_old.json runs/golden_new.json

Only public API is used, through the names of either layout (0.2's flat modules or 0.3's
subpackages), so the script runs on both.
"""

from __future__ import annotations

import importlib
import json
import sys

import numpy as np


def _first(*paths):
    """The first importable ``module:name`` of ``paths``."""
    for path in paths:
        module, _, name = path.partition(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"none of {paths}")


def outputs() -> dict:
    from qml import QSVC, VQC
    from qml.datasets import load_dataset
    from qml.projection import project
    from qml.volume import measure_quantum_volume

    # 0.2's name first: under PYTHONPATH=old, an editable install of 0.3 would answer 0.3's
    QuantumKernel = _first("qml.kernels:QuantumKernel", "qml.models.quantum_kernel:QuantumKernel")
    out = {}
    iris = load_dataset("iris", seed=0)
    for optimizer in ("lbfgs", "cobyla", "spsa", "adam"):
        clf = VQC(optimizer=optimizer, maxiter=15, seed=3).fit(iris.X_train, iris.y_train)
        out[f"vqc_{optimizer}_weights"] = clf.weights_.tolist()
        out[f"vqc_{optimizer}_proba"] = clf.predict_proba(iris.X_test[:5]).tolist()
    bc = load_dataset("breast_cancer", n_features=4, seed=0)
    clf = VQC(feature_map="zz", seed=0, maxiter=20).fit(bc.X_train, bc.y_train)
    out["vqc_zz_weights"] = clf.weights_.tolist()
    shots = VQC(backend="aer", shots=256, optimizer="spsa", maxiter=5, seed=1).fit(
        bc.X_train[:30], bc.y_train[:30])
    out["vqc_aer_weights"] = shots.weights_.tolist()
    noisy = clf.on_backend("aer:fake_lima", shots=128, seed=2)
    out["vqc_noisy_proba"] = noisy.predict_proba(bc.X_test[:5]).tolist()
    # bandwidth 1 named: 0.3 chooses the bandwidth by default ("auto"), 0.2 had 1
    out["kernel_zz"] = QuantumKernel("zz", feature_map_reps=2, bandwidth=1.0).evaluate(
        bc.X_test[:6]).tolist()
    out["kernel_shots"] = QuantumKernel("zz", backend="aer", shots=128, seed=0,
                                        bandwidth=1.0).evaluate(bc.X_test[:4]).tolist()
    qsvc = QSVC(bandwidth=1.0, seed=0).fit(bc.X_train[:60], bc.y_train[:60])
    out["qsvc_decision"] = qsvc.decision_function(bc.X_test[:8]).tolist()
    for backend in ("statevector", "aer", "aer:fake_lima"):
        result = measure_quantum_volume(backend, widths=[2, 3], trials=20, seed=5)
        out[f"qv_{backend}"] = [w.hops if isinstance(w.hops, list) else list(w.hops)
                                for w in result.widths]
    from qml.layer_fidelity import measure_layer_fidelity

    lf = measure_layer_fidelity("aer:fake_lima", n_qubits=3, lengths=[2, 4, 8], num_samples=2,
                                shots=200, seed=0)
    out["layer_fidelity"] = [lf.layer_fidelity, lf.eplg]
    from qml.compare import compare

    report = compare(bc.X_train[:60], bc.y_train[:60], vqc=VQC(seed=0, maxiter=10), folds=2,
                     models=["logistic_regression"], learning_sizes=(), seed=0)  # no QSVC
    out["compare"] = [[m.name, m.accuracy_mean] for m in report.models]
    out["projection"] = project(until=2035).to_dict()
    out["projection"].pop("qlimits_version", None)
    return out


def _compare(old: dict, new: dict) -> list[str]:
    differences = []
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new:
            differences.append(f"{key}: only in {'new' if key in new else 'old'}")
        elif json.dumps(old[key], sort_keys=True) != json.dumps(new[key], sort_keys=True):
            a, b = np.asarray(old[key], dtype=object), np.asarray(new[key], dtype=object)
            differences.append(f"{key}: differs ({a.size} vs {b.size} values)")
    return differences


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--compare":
        old, new = (json.loads(open(p).read()) for p in argv[1:3])
        differences = _compare(old, new)
        print("\n".join(differences) or f"all {len(old)} outputs identical")
        return 1 if differences else 0
    path = argv[0] if argv else "runs/golden.json"
    data = outputs()
    with open(path, "w") as f:
        json.dump(data, f, sort_keys=True)
    print(f"wrote {len(data)} outputs to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
