"""What a quantum-volume sweep costs on a ``fake:`` or ``ibm:`` backend, before anything is
sent: each width's trial circuits transpiled as the run would transpile them, split into
jobs as the run would split them (``qml.hardware.job_limits``), priced by
``qml.hardware.pricing``."""

from __future__ import annotations

import numpy as np

from circuits.quantum_volume import model_circuits

__all__ = ["runner_estimate"]


def runner_estimate(runner, widths, trials: int, seed, job_overhead=None,
                    usd_per_second=None):
    """The ``CostEstimate`` of ``widths`` on a ``HardwareRunner`` (``qml.volume.runners``):
    ``trials`` circuits a width, one job each (more where the job limits split them)."""
    from qml.hardware.job_limits import JobLimits
    from qml.hardware.modes import BILLING
    from qml.hardware.pricing import (
        build_estimate,
        circuit_seconds,
        rep_delay_seconds,
        split_groups,
    )

    groups = []
    for w in widths:
        isa, _ = runner.transpiled(model_circuits(w, trials, seed), w)
        seconds = [circuit_seconds(c, runner.backend.target) for c in isa]
        per_job = JobLimits.with_override(runner.max_circuits_per_job).circuits_per_job(
            isa, runner.shots)  # as RuntimeJobs.run splits
        groups += split_groups(f"qv_width_{w}", len(isa), runner.shots, float(np.mean(seconds)),
                               per_job)
    mode = runner.execution_mode or "batch"
    notes = ["widths whose results are already in the job ledger are reused at no cost; "
             "every width is counted here",
             f"the widths go out in {mode} mode ({BILLING[mode]})"]
    return build_estimate(runner.name, groups, rep_delay=rep_delay_seconds(runner.backend),
                          job_overhead=job_overhead, usd_per_second=usd_per_second, notes=notes)
