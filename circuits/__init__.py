"""qlimits' circuit library: feature maps, ansatze, readouts and classifier circuits.

Pure construction: nothing in this package runs a circuit or touches a backend.
"""

from circuits.ansatze import (
    ANSATZE,
    build_ansatz,
    efficient_su2,
    hardware_efficient,
    real_amplitudes,
)
from circuits.composition import ClassifierCircuit, build_classifier
from circuits.feature_maps import FEATURE_MAPS, angle, build_feature_map, pauli, reuploading, zz
from circuits.readouts import Observables, Parity, Readout, ZPerClass, build_readout

__all__ = [
    "ANSATZE", "FEATURE_MAPS", "ClassifierCircuit", "Observables", "Parity", "Readout",
    "ZPerClass", "angle", "build_ansatz", "build_classifier", "build_feature_map",
    "build_readout", "efficient_su2", "hardware_efficient", "pauli", "real_amplitudes",
    "reuploading", "zz",
]
