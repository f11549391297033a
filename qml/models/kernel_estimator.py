"""What every estimator on a quantum kernel shares (``QSVC``, ``QKRR``, ``QSVR``, ``QGPR``):
the rules of the kernel and data parameters, the checks of options that depend on each
other, and the fitted kernel a model evaluates (``QuantumKernel``, or a
``TrainableQuantumKernel`` with ``kernel="trainable"``), built from the estimator's
parameters and learned state.
"""

from __future__ import annotations

from qml.backends import exact_values, parse_backend
from qml.distributed import check_scheduler, describe
from qml.errors import ConfigurationError
from qml.models.quantum_kernel import KERNEL_FEATURE_MAPS, KINDS, QuantumKernel
from qml.models.trainable_kernel import TrainableQuantumKernel
from qml.validation import count, one_of, seed

__all__ = ["KernelEstimator", "KERNEL_PARAMETERS"]

KERNEL_PARAMETERS = {  # checked at fit; the backend and scheduler by their own parsers
    "feature_map": one_of(*KERNEL_FEATURE_MAPS),
    "feature_map_reps": count("feature_map_reps"),
    "bandwidth": QuantumKernel.PARAMETERS["bandwidth"],
    "n_qubits": count("n_qubits", none=True),
    "reduction": one_of(None, "pca"),
    "input_scaling": one_of("minmax", None),
    "shots": count("shots", none=True),
    "seed": seed(),
    "kernel": one_of(*KINDS, "trainable"),
    "gamma": QuantumKernel.PARAMETERS["gamma"],
    "regularization": QuantumKernel.PARAMETERS["regularization"],
    "mitigation": QuantumKernel.PARAMETERS["mitigation"],
    "max_circuits_per_job": QuantumKernel.PARAMETERS["max_circuits_per_job"],
    "execution_mode": QuantumKernel.PARAMETERS["execution_mode"],
    "runtime_options": QuantumKernel.PARAMETERS["runtime_options"],
}


class KernelEstimator:
    """Mixin of the estimators on a quantum kernel (beside ``QuantumEstimator``, whose
    ``_check_parameters`` applies their rules): ``_validate_options`` and ``_kernel``."""

    def _validate_options(self) -> None:
        """Every parameter by its rule, then what one rule cannot say."""
        self._check_parameters()
        parse_backend(self.backend)  # an unknown backend: its own clear error, first
        scheduler = getattr(self, "scheduler", None)
        check_scheduler(scheduler)
        if self.kernel == "projected" and self.mitigation not in (None, "m3"):
            raise ConfigurationError(f"mitigation={self.mitigation!r} undoes noise in fidelity "
                                     "kernels; the projected kernel has no diagonal to "
                                     "measure it on")
        if scheduler is not None and (not exact_values(self.backend, self.shots)
                                      or self.kernel == "projected"):
            raise ConfigurationError(f"scheduler={describe(scheduler)!r}: the cluster "
                                     "computes exact fidelity kernels (backend 'statevector', "
                                     "no shots)")

    def _kernel(self) -> QuantumKernel:
        """The kernel this model evaluates, made once per fit (or load) and kept."""
        kernel = getattr(self, "_kernel_cache", None)
        if kernel is None:
            bandwidth = getattr(self, "bandwidth_", None) or self.bandwidth
            common = dict(regularization=self.regularization, mitigation=self.mitigation,
                          scheduler=getattr(self, "scheduler", None),
                          max_circuits_per_job=self.max_circuits_per_job,
                          execution_mode=self.execution_mode,
                          runtime_options=self.runtime_options)
            if self.kernel == "trainable":
                kernel = TrainableQuantumKernel(self.feature_map, self.feature_map_reps,
                                                self.n_qubits_, bandwidth, self.backend,
                                                self.shots, self.seed, **common)
                kernel.bandwidths_ = getattr(self, "feature_bandwidths_", None)
            else:
                gamma = getattr(self, "gamma_", None) or self.gamma
                kernel = QuantumKernel(self.feature_map, self.feature_map_reps, self.n_qubits_,
                                       bandwidth, self.backend, self.shots, self.seed,
                                       kind=self.kernel, gamma=gamma, **common)
            self._kernel_cache = kernel
        return kernel
