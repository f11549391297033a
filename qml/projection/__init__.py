"""Quantum volume, projected: QV growth against classical compute growth.

Pure data and statistics: nothing here runs a circuit (timing QV verification on this machine
is ``qml.volume.verification``).

Data ship with the package (``qml/data``, one source URL per value). Fits regress log2 of a
series on the decimal year: ordinary least squares with standard errors, 95% confidence and
prediction intervals (scipy.stats.linregress and Student's t), and Theil-Sen (scipy.stats.
theilslopes) as the robust alternative. Everything is put on one footing: doublings per year,
doubling time in months, growth factor per year.

The classical verification frontier: certifying QV 2^n needs exact simulation of n-qubit model
circuits, so n = log2(QV) is compared with (a) the trend of the largest full state-vector
simulations and (b) the qubits the largest TOP500 machine's memory holds at 16 bytes per
amplitude (Frontier's 9.2 PB in 2022, growing like the TOP500 #1 Rmax fit — an assumption).

==============  =============================================================================
module          what it holds
==============  =============================================================================
``data``        the records and trends, read with checks (``load_qv_records`` ...)
``fits``        ``Fit`` and the fits of QV, implied QV, two-qubit errors and classical series
``frontiers``   the verification frontiers, ``year_of_multiple``, ``crossover_year``
``result``      ``Projection`` (a result file) and ``project``, which makes one
``findings``    what changed since 2020, in words, from a projection's data
==============  =============================================================================

Every name below is importable from ``qml.projection`` directly.
"""

from qml.projection.data import (
    HARDWARE_LINES,
    QV_COLUMNS,
    TWO_QUBIT_COLUMNS,
    Trend,
    decimal_year,
    hardware_line,
    last_reported,
    load_classical,
    load_qv_records,
    load_trends,
    load_two_qubit_errors,
    load_vendor_metrics,
    record_frontier,
)
from qml.projection.findings import since_2020
from qml.projection.fits import (
    QV_FRONTIER,
    Fit,
    classical_fits,
    error_fits,
    fit_log2,
    implied_fits,
    line_of_fit,
    qv_fits,
)
from qml.projection.frontiers import (
    STATE_VECTOR_RECORD,
    TOP500_MEMORY,
    Frontier,
    crossover_year,
    verification_frontiers,
    year_of_multiple,
)
from qml.projection.result import Projection, project

__all__ = ["QV_COLUMNS", "Fit", "Trend", "Frontier", "decimal_year", "load_qv_records",
           "load_classical", "load_trends", "record_frontier", "fit_log2", "qv_fits",
           "classical_fits", "implied_fits", "error_fits", "verification_frontiers",
           "year_of_multiple", "hardware_line", "line_of_fit", "crossover_year",
           "Projection", "project", "QV_FRONTIER", "STATE_VECTOR_RECORD",
           "TOP500_MEMORY", "TWO_QUBIT_COLUMNS", "load_two_qubit_errors",
           "load_vendor_metrics", "last_reported", "HARDWARE_LINES", "since_2020"]
