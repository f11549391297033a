"""The ``Comparison`` result: one ``ModelReport`` per model, explanations and learning curves,
saved as a ``qlimits.comparison`` file (and a CSV table).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from qml.result_file import ResultFile, document_schema

__all__ = ["ModelReport", "cost_text", "Comparison"]

logger = logging.getLogger(__name__)


@dataclass
class ModelReport:
    """One model's scores over the folds, its size, cost and timing."""

    name: str
    accuracy: list[float]
    balanced_accuracy: list[float]
    n_parameters: int
    train_seconds: float
    inference_seconds: float
    training_cost: float | None
    cost_unit: str
    cost_formula: str

    @property
    def score_mean(self) -> float:
        """Mean accuracy over the folds (the score the figures rank by)."""
        return self.accuracy_mean

    @property
    def score_sd(self) -> float:
        """Standard deviation of the accuracy over the folds."""
        return self.accuracy_sd

    @property
    def accuracy_mean(self) -> float:
        """Mean accuracy over the folds."""
        return float(np.mean(self.accuracy))

    @property
    def accuracy_sd(self) -> float:
        """Standard deviation of the accuracy over the folds."""
        return float(np.std(self.accuracy))

    @property
    def balanced_mean(self) -> float:
        """Mean balanced accuracy over the folds."""
        return float(np.mean(self.balanced_accuracy))

    @property
    def balanced_sd(self) -> float:
        """Standard deviation of the balanced accuracy over the folds."""
        return float(np.std(self.balanced_accuracy))


def cost_text(cost: float | None, fmt: str) -> str:
    """A training cost as text (``"n/a"`` when unknown)."""
    return "" if cost is None else format(cost, fmt)


_SCORES = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1},
           "minItems": 1}


_MODEL_SCHEMA = {
    "type": "object",
    "required": ["name", "accuracy", "balanced_accuracy", "n_parameters", "train_seconds",
                 "inference_seconds", "training_cost", "cost_unit", "cost_formula"],
    "properties": {"name": {"type": "string"}, "accuracy": _SCORES,
                   "balanced_accuracy": _SCORES,
                   "n_parameters": {"type": "integer", "minimum": 0},
                   "train_seconds": {"type": "number", "minimum": 0},
                   "inference_seconds": {"type": "number", "minimum": 0},
                   "training_cost": {"type": ["number", "null"]},
                   "cost_unit": {"type": "string"},
                   "cost_formula": {"type": "string"}},
}


_MODEL_FIELDS = [f.name for f in fields(ModelReport)]


_CSV_COLUMNS = ("model", "accuracy_mean", "accuracy_sd", "balanced_accuracy_mean",
                "balanced_accuracy_sd", "n_parameters", "train_seconds", "inference_seconds",
                "training_cost", "cost_unit")


@dataclass
class Comparison(ResultFile):
    """The whole report: fold scores, importances, their rank correlations, learning curves.

    Saved as ``"qlimits.comparison"`` JSON (``save``/``load``); ``to_csv()`` is the table of
    models, one row each.

    Examples
    --------
    >>> rep = Comparison("d", 2, 0, ["x0"], [ModelReport("m", [0.9, 1.0], [0.9, 1.0], 3, 0.1,
    ...                                                  0.01, 10.0, "FLOP", "f")])
    >>> Comparison.from_dict(rep.to_dict()) == rep
    True
    """

    FORMAT = "qlimits.comparison"
    FORMAT_VERSION = 1
    SCORE = "accuracy"  # what the figures call the score
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
        "learning_curve": {"type": "object", "properties": {
            "sizes": {"type": "array", "items": {"type": "integer"}},
            "repeats": {"type": "integer", "minimum": 1},
            "chance": {"type": "number", "minimum": 0, "maximum": 1},
            "accuracy": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "number"}}},
            "accuracy_sd": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "number", "minimum": 0}}}}},
    }, required=["dataset", "folds", "seed", "feature_names", "models"])

    dataset: str
    folds: int
    seed: int | None
    feature_names: list[str]
    models: list[ModelReport]
    importances: dict = field(default_factory=dict)
    rank_correlations: dict = field(default_factory=dict)
    learning_curve: dict = field(default_factory=dict)

    def _to_body(self) -> dict:
        doc = asdict(self)
        for report, row in zip(self.models, doc["models"]):
            row.update(accuracy_mean=report.accuracy_mean, accuracy_sd=report.accuracy_sd,
                       balanced_accuracy_mean=report.balanced_mean,
                       balanced_accuracy_sd=report.balanced_sd)
        return doc

    @classmethod
    def _from_body(cls, doc: dict) -> Comparison:
        models = [ModelReport(**{k: m[k] for k in _MODEL_FIELDS}) for m in doc["models"]]
        for m in models:
            if len(m.accuracy) != doc["folds"] or len(m.balanced_accuracy) != doc["folds"]:
                raise ValueError(f"model {m.name!r} has {len(m.accuracy)} fold scores for "
                                 f"{doc['folds']} folds")
        return cls(doc["dataset"], doc["folds"], doc["seed"], doc["feature_names"], models,
                   doc.get("importances", {}), doc.get("rank_correlations", {}),
                   doc.get("learning_curve", {}))

    def to_csv(self) -> str:
        """The table of models as CSV text: accuracy and balanced accuracy (mean, sd),
        parameters, times and training cost."""
        rows = [",".join(_CSV_COLUMNS)]
        for m in self.models:
            rows.append(f"{m.name},{m.accuracy_mean:.6f},{m.accuracy_sd:.6f},"
                        f"{m.balanced_mean:.6f},{m.balanced_sd:.6f},{m.n_parameters},"
                        f"{m.train_seconds:.6f},{m.inference_seconds:.6f},"
                        f"{cost_text(m.training_cost, '.6g')},{m.cost_unit}")
        return "\n".join(rows) + "\n"
