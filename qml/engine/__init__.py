"""The exact engine: qlimits' own state-vector and Pauli-transfer simulation.

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
``statevector``        ``ExactCircuit``: batched feature states, expectation values and
                       adjoint gradients for a classifier circuit; ``warm_up``
``state_outputs``      final states as outputs: written in place, and their adjoint gradient
``sampling``           shots from the exact engine: each circuit's output distribution, then
                       seeded multinomial counts, reproducible per (sample, weights) pair
``translate``          a circuit translated to operations and angle functions
``program``            a parametrised circuit compiled to a flat list of gate operations
``gates``              the gate matrices and the generators of rotations
``gate_kernels``       the compiled (numba) functions that apply one gate to one state, and
                       one step of the adjoint method
``execution``          how a compiled circuit runs: forward and adjoint passes of a batch
                       over the engine's threads, each with its own buffers
``drivers``            the compiled (numba) drivers that run a program over states, forward
                       and backward: gate by gate, or stage by stage in cache-sized tiles
``cache_blocking``     a program split into stages of few qubits (tiles that fit in cache),
                       for states that do not
``noisy_circuit``      a parametrised circuit under a device's noise, compiled for the exact
                       output distributions of a batch of (sample, weights) pairs
``pauli_kernels``      the compiled (numba) functions that run it: sparse Pauli transfer
                       matrices and rz rotations on one Pauli-basis state at a time
``pauli_transfer``     the exact output distribution of small noisy circuits (Pauli-transfer
                       and density-matrix simulation)
``memory``             peak-memory budgets, refused before allocation; thread counts
=====================  ======================================================================

Nothing here knows a backend string, a file or a user: the callers in ``qml.backends``
decide when the engine runs.
"""

__all__: list[str] = []
