"""The ``RegressionComparison`` result: one ``RegressionReport`` per model (R^2 and RMSE over the
folds, size, cost), and the explanations; saved as a ``qlimits.regression_comparison`` file
(and a CSV table).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from qml.compare.report import cost_text
from qml.result_file import ResultFile, document_schema

__all__ = ["RegressionReport", "RegressionComparison"]

logger = logging.getLogger(__name__)


@dataclass
class RegressionReport:
    """One regressor's scores over the folds (R^2, RMSE in the targets' units), its size,
    cost and timing."""

    name: str
    r2: list[float]
    rmse: list[float]
    n_parameters: int
    train_seconds: float
    inference_seconds: float
    training_cost: float | None
    cost_unit: str
    cost_formula: str

    @property
    def score_mean(self) -> float:
        """Mean R^2 over the folds (the score the figures rank by)."""
        return float(np.mean(self.r2))

    @property
    def score_sd(self) -> float:
        """Standard deviation of R^2 over the folds."""
        return float(np.std(self.r2))

    @property
    def rmse_mean(self) -> float:
        """Mean RMSE over the folds."""
        return float(np.mean(self.rmse))


_NUMBERS = {"type": "array", "items": {"type": "number"}, "minItems": 1}

_MODEL_SCHEMA = {
    "type": "object",
    "required": [f.name for f in fields(RegressionReport)],
    "properties": {"name": {"type": "string"},
                   "r2": {**_NUMBERS, "items": {"type": "number", "maximum": 1}},
                   "rmse": {**_NUMBERS, "items": {"type": "number", "minimum": 0}},
                   "n_parameters": {"type": "integer", "minimum": 0},
                   "train_seconds": {"type": "number", "minimum": 0},
                   "inference_seconds": {"type": "number", "minimum": 0},
                   "training_cost": {"type": ["number", "null"]},
                   "cost_unit": {"type": "string"},
                   "cost_formula": {"type": "string"}},
}

_CSV_COLUMNS = ("model", "r2_mean", "r2_sd", "rmse_mean", "n_parameters", "train_seconds",
                "inference_seconds", "training_cost", "cost_unit")


@dataclass
class RegressionComparison(ResultFile):
    """A regression comparison: fold scores, importances and their rank correlations.

    Saved as ``"qlimits.regression_comparison"`` JSON (``save``/``load``); ``to_csv()`` is
    the table of models, one row each.

    Examples
    --------
    >>> rep = RegressionComparison("d", 2, 0, ["x0"], [RegressionReport(
    ...     "m", [0.5, 0.7], [1.0, 0.8], 3, 0.1, 0.01, 10.0, "FLOP", "f")])
    >>> RegressionComparison.from_dict(rep.to_dict()) == rep
    True
    >>> rep.models[0].score_mean
    0.6
    """

    FORMAT = "qlimits.regression_comparison"
    FORMAT_VERSION = 1
    SCORE = "R^2"  # what the figures call the score
    SCHEMA = document_schema({
        "dataset": {"type": "string"}, "folds": {"type": "integer", "minimum": 2},
        "seed": {"type": ["integer", "null"]},
        "feature_names": {"type": "array", "items": {"type": "string"}},
        "models": {"type": "array", "items": _MODEL_SCHEMA},
        "importances": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": {"type": "array",
                                                       "items": {"type": "number"}}}},
        "rank_correlations": {"type": "object",
                              "additionalProperties": {"type": ["number", "null"]}},
    }, required=["dataset", "folds", "seed", "feature_names", "models"])

    dataset: str
    folds: int
    seed: int | None
    feature_names: list[str]
    models: list[RegressionReport]
    importances: dict = field(default_factory=dict)
    rank_correlations: dict = field(default_factory=dict)

    def _to_body(self) -> dict:
        doc = asdict(self)
        for report, row in zip(self.models, doc["models"]):
            row.update(r2_mean=report.score_mean, r2_sd=report.score_sd,
                       rmse_mean=report.rmse_mean)
        return doc

    @classmethod
    def _from_body(cls, doc: dict) -> RegressionComparison:
        names = [f.name for f in fields(RegressionReport)]
        models = [RegressionReport(**{k: m[k] for k in names}) for m in doc["models"]]
        for m in models:
            if len(m.r2) != doc["folds"] or len(m.rmse) != doc["folds"]:
                raise ValueError(f"model {m.name!r} has {len(m.r2)} fold scores for "
                                 f"{doc['folds']} folds")
        return cls(doc["dataset"], doc["folds"], doc["seed"], doc["feature_names"], models,
                   doc.get("importances", {}), doc.get("rank_correlations", {}))

    def to_csv(self) -> str:
        """The table of models as CSV text: R^2 (mean, sd), RMSE, parameters, times and
        training cost."""
        rows = [",".join(_CSV_COLUMNS)]
        for m in self.models:
            rows.append(f"{m.name},{m.score_mean:.6f},{m.score_sd:.6f},{m.rmse_mean:.6g},"
                        f"{m.n_parameters},{m.train_seconds:.6f},{m.inference_seconds:.6f},"
                        f"{cost_text(m.training_cost, '.6g')},{m.cost_unit}")
        return "\n".join(rows) + "\n"
