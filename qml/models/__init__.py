"""The estimators and what they are made of.

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
``vqc``                ``VQC``: the variational quantum classifier (scikit-learn estimator)
``qsvc``               ``QSVC``: a support-vector classifier on a quantum kernel
``quantum_kernel``     ``QuantumKernel``: the fidelity kernel's Gram matrices
``optimizers``         the optimizers (``"auto"``, COBYLA, SPSA, Adam, L-BFGS-B ...)
``preprocessing``      the input pipeline: reduction to the qubit count, angle scaling
=====================  ======================================================================

``from qml import VQC, QSVC`` is the short way in; this package imports nothing on its own,
so that reading one module (``qml.models.optimizers``) does not load Qiskit.
"""

__all__: list[str] = []
