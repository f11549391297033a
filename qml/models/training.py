"""The training loop around an optimizer: progress bar, callback, checkpoint writer."""

from __future__ import annotations

from qml.models.optimizers import OptimizationResult, optimize

__all__ = ["run_optimizer"]


def run_optimizer(method: str, objective, w0, *, maxiter: int, learning_rate, rng,
                  callback=None, verbose: bool = False, state=None,
                  on_state=None, name: str = "VQC") -> OptimizationResult:
    """``optimize`` with a progress bar (``verbose``), the user's ``callback`` after every
    iteration, and ``on_state`` (a checkpoint writer) given the optimizer's state; ``name``
    (the estimator's) labels the bar."""
    bar = None
    if verbose:
        from qml.report.progress import progress_bar

        bar = progress_bar(total=maxiter, desc=f"{name} {method}", unit="it")

    def on_iteration(info):
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{info.loss:.4f}")
        if callback is not None:
            callback(info)

    try:
        result = optimize(method, objective, w0, maxiter=maxiter, learning_rate=learning_rate,
                          rng=rng, callback=on_iteration, state=state, on_state=on_state)
        if bar is not None:
            from qml.report.progress import finish_early

            finish_early(bar, "converged")  # fewer iterations than maxiter: say so
        return result
    except BaseException:
        if bar is not None:
            bar.leave = False  # an error or Ctrl-C: its message, not a half bar, remains
        raise
    finally:
        if bar is not None:
            bar.close()
