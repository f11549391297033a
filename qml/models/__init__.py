"""The estimators and what they are made of.

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
``vqc``                ``VQC``: the variational quantum classifier (scikit-learn estimator)
``vqc_prediction``     what a fitted VQC answers: probabilities, attributions, other backends
``vqc_format``         the VQC's model file, its schema and upgrades
``vqr``                ``VQR``: the variational quantum regressor (scikit-learn estimator)
``vqr_format``         the VQR's model file
``variational``        what VQC and VQR share: options, evaluator, training run, other backends
``checkpoint``         checkpoints of a training run, read back by ``resume=True``
``qpu_estimate``       what training a VQC would cost on hardware, before anything is sent
``loss``               the cross-entropy and squared-error losses and their gradients
``training``           the training loop around an optimizer (progress, checkpoints)
``base``               what VQC and QSVC share: parameter rules, the input-to-angle map
``qsvc``               ``QSVC``: a support-vector classifier on a quantum kernel
``qsvc_format``        the QSVC's model file, its schema and upgrades
``ovo``                one-vs-one decisions and votes in scikit-learn's layout
``kernel_estimator``   what every estimator on a quantum kernel shares: rules, its kernel
``kernel_regressor``   what the kernel regressors share: targets, prediction, files
``qkrr``               ``QKRR``: kernel ridge regression on a quantum kernel
``qsvr``               ``QSVR``: support-vector regression on a quantum kernel
``qgpr``               ``QGPR``: Gaussian-process regression, with predictive uncertainty
``nystroem``           the Nyström approximation: landmarks and their normalization
``quantum_kernel``     ``QuantumKernel``: fidelity and projected kernels' Gram matrices
``exact_gram``         exact Gram matrices from feature states, in bounded memory
``kernel_tasks``       exact Gram matrices as block tasks on a Dask cluster
``trainable_kernel``   ``TrainableQuantumKernel``: per-feature bandwidths trained for alignment
``bandwidth``          ``bandwidth="auto"``: the choice on the training data
``projected``          the projected kernel's projections and Gaussian
``kernel_metrics``     alignment and concentration of kernel matrices
``kernel_noise``       Gram matrices from shots made positive semi-definite
``kernel_shots``       kernels from shots: compute-uncompute pairs, three-basis projections
``optimizers``         the optimizers (``"auto"``, COBYLA, SPSA, Adam, L-BFGS-B ...)
``preprocessing``      the input pipeline: reduction to the qubit count, angle scaling
=====================  ======================================================================

``from qml import VQC, VQR, QSVC, QKRR, QSVR, QGPR`` is the short way in; this package imports
nothing on its own, so that reading one module (``qml.models.optimizers``) does not load
Qiskit.
"""

__all__: list[str] = []
