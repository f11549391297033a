"""Quantum against classical, side by side: accuracy, cost and explainability.

Every model sees the same stratified k-fold splits and the same preprocessing
(``qml.models.preprocessing.FeaturePipeline``: standardise, optionally PCA), fitted on each training
fold; the VQC maps those features to rotation angles itself, as it does anywhere else. Per
model: accuracy and balanced accuracy over folds, trainable-parameter count, training and
inference wall time, and a training cost in stated units:

* VQC: circuit executions (samples x parameter sets over the whole fit), and executions x
  shots on a shot-based backend;
* QSVC (quantum kernel): kernel circuits -- one feature state per training sample when exact,
  one compute-uncompute circuit per pair (x shots) when sampled; a prediction costs the
  kernel against every support vector, which the report's formula states;
* classical models: an estimate of floating-point operations, by the formulas in
  ``FLOP_FORMULAS`` (order-of-magnitude counts, not measurements).

Explainability on one held-out split: scikit-learn's permutation importance for every model,
the trees' impurity importances, and for the VQC exact input-gradient attributions (the mean
absolute derivative of the predicted class probability with respect to each feature). Learning
curves: test accuracy against training-set size.

========================  ===================================================================
module                    what it holds
========================  ===================================================================
``baselines``             the baselines, parameter counts, training costs and their units
``experiment``            ``compare``: the folds, explanations and learning curves as tasks
``analysis``              pure functions over the folds' numbers
``report``                ``Comparison`` and ``ModelReport`` (a result file)
``regression_baselines``  the regressors of ``compare(task="regression")``, sizes and costs
``regression_report``     ``RegressionComparison`` and ``RegressionReport`` (a result file)
========================  ===================================================================
"""

from qml.compare.baselines import (
    BASELINES,
    DEFAULT_MODELS,
    FLOP_FORMULAS,
    baseline,
    n_parameters,
    training_cost,
)
from qml.compare.experiment import compare
from qml.compare.regression_baselines import DEFAULT_REGRESSION_MODELS, REGRESSION_BASELINES
from qml.compare.regression_report import RegressionComparison, RegressionReport
from qml.compare.report import Comparison, ModelReport

__all__ = ["BASELINES", "DEFAULT_MODELS", "FLOP_FORMULAS", "ModelReport", "Comparison",
           "baseline", "compare", "n_parameters", "training_cost",
           "DEFAULT_REGRESSION_MODELS", "REGRESSION_BASELINES", "RegressionComparison",
           "RegressionReport"]
