"""Projection: fits against hand computation, interval coverage, shipped data, bad CSVs, CLI."""

import json
import math

import numpy as np
import pytest

from qml.errors import InvalidInputError
from qml.projection import (
    QV_COLUMNS,
    QV_FRONTIER,
    STATE_VECTOR_RECORD,
    TOP500_MEMORY,
    Projection,
    classical_fits,
    crossover_year,
    decimal_year,
    error_fits,
    fit_log2,
    implied_fits,
    last_reported,
    load_classical,
    load_qv_records,
    load_two_qubit_errors,
    load_vendor_metrics,
    project,
    qv_fits,
    record_frontier,
    verification_frontiers,
    year_of_multiple,
)


def test_fit_reproduces_hand_computed_values():
    x = np.array([2000.0, 2001.0, 2002.0, 2003.0, 2004.0])
    y = np.array([1.0, 2.5, 2.9, 4.2, 5.1])
    f = fit_log2(x, y, "toy", "test")
    xm, ym = x.mean(), y.mean()
    slope = ((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum()
    resid = y - (ym + slope * (x - xm))
    s2 = (resid**2).sum() / 3
    se = math.sqrt(s2 / ((x - xm) ** 2).sum())
    t = 3.182446305284263  # t_{0.975, 3}
    assert f.slope == pytest.approx(slope, abs=1e-12)
    assert f.slope_se == pytest.approx(se, abs=1e-12)
    assert f.slope_ci == pytest.approx((slope - t * se, slope + t * se), abs=1e-9)
    assert f.doubling_time_months == pytest.approx(12 / slope)
    assert f.growth_per_year == pytest.approx(2**slope)
    lo, hi = f.prediction_band(2006)
    pred = ym + slope * (2006 - xm)
    half = t * math.sqrt(s2 * (1 + 1 / 5 + (2006 - xm) ** 2 / ((x - xm) ** 2).sum()))
    assert (lo, hi) == pytest.approx((pred - half, pred + half), abs=1e-9)
    clo, chi = f.confidence_band(2006)
    assert chi - clo < hi - lo
    # Theil-Sen: median of pairwise slopes
    pairs = [(y[j] - y[i]) / (x[j] - x[i]) for i in range(5) for j in range(i + 1, 5)]
    assert f.theil_sen_slope == pytest.approx(np.median(pairs))


def test_confidence_intervals_cover_the_true_slope_at_the_nominal_rate():
    rng = np.random.default_rng(7)
    x = np.linspace(2015, 2025, 12)
    hits = 0
    trials = 2000
    for _ in range(trials):
        y = 3.0 + 0.8 * (x - 2015) + rng.normal(0, 0.7, len(x))
        lo, hi = fit_log2(x, y, "sim", "test").slope_ci
        hits += lo <= 0.8 <= hi
    assert 0.935 <= hits / trials <= 0.965


def test_every_shipped_row_is_sourced_dated_and_a_power_of_two():
    rows = load_qv_records()
    assert len(rows) >= 30
    for r in rows:
        assert r["source_url"].startswith("http")
        assert 2015 < r["year"] < 2027
        assert r["quantum_volume"] == 2 ** r["log2_qv"]
    ionq = [r for r in rows if r["vendor"] == "IonQ"]
    assert ionq and all(r["status"] == "claimed" for r in ionq)
    for p in load_classical():
        assert p["source_url"].startswith("http") and p["value"] > 0


def test_record_frontier_and_fits_match_the_reference_figures():
    fits = {f.name: f for f in qv_fits()}
    # shared/reference/compute_trends.md, section 2 (computed there independently)
    assert fits["QV IBM"].doubling_time_months == pytest.approx(10.5, abs=0.1)
    assert fits["QV Quantinuum"].doubling_time_months == pytest.approx(3.65, abs=0.05)
    assert fits["QV Quantinuum records"].doubling_time_months == pytest.approx(3.24, abs=0.05)
    assert fits["QV record frontier (all vendors)"].n == 20
    top = classical_fits()[0]
    assert top.doubling_time_months == pytest.approx(18.8, abs=0.1)
    env = record_frontier(load_qv_records())
    assert all(b["log2_qv"] > a["log2_qv"] for a, b in zip(env, env[1:]))


def test_multiples_and_crossovers():
    assert year_of_multiple(3.4, 2**12, 2012) == pytest.approx(2012 + 3.4)
    f = fit_log2([2020, 2021, 2022, 2023, 2024], [10, 12, 14, 16, 18.2], "q", "qv")
    year, (lo, hi) = crossover_year(f, (30.0, 0.0))
    assert year == pytest.approx(2020 + 20 / 2.04, abs=0.1) and lo < year < hi


def test_projection_and_dates():
    p = project(until=2030)
    assert {c["frontier_key"] for c in p.crossovers} == {STATE_VECTOR_RECORD, TOP500_MEMORY}
    doc = p.to_dict()
    row = next(r for r in doc["by_year"] if r["year"] == 2030 and r["key"] == QV_FRONTIER)
    assert row["prediction_interval"][0] < row["confidence_interval"][0] < row["log2_qv"]
    for s in doc["series"]:
        assert {"key", "name", "kind", "growth_per_year", "doubling_time_months",
                "doubling_time_months_interval"} <= set(s)
    assert decimal_year("2020") == 2020.5
    with pytest.raises(InvalidInputError, match="unparseable date"):
        decimal_year("March 2020")


def test_projection_carries_its_fits_and_frontiers():
    """Everything the figures and the demo need is in the projection, found by key, and is
    what the stand-alone functions compute."""
    p = project(until=2035)
    rows = load_qv_records()
    assert p.qv_fits == qv_fits(rows) + implied_fits(p.two_qubit_errors)
    assert p.fit(QV_FRONTIER) == qv_fits(rows)[-1]
    assert p.fit("top500_rmax") == classical_fits()[0]
    assert p.frontiers == verification_frontiers()
    assert p.records == rows
    sim = p.fit("state_vector_simulation")
    frontier = next(f for f in p.frontiers if f.key == STATE_VECTOR_RECORD)
    year, interval = crossover_year(p.fit(QV_FRONTIER), (frontier.intercept, frontier.slope),
                                    sim)
    cross = p.crossover(QV_FRONTIER, STATE_VECTOR_RECORD)
    assert (cross["year"], cross["interval"]) == (year, list(interval))
    with pytest.raises(KeyError, match="no fit 'qv_acme'"):
        p.fit("qv_acme")
    again = Projection.from_dict(p.to_dict())
    assert again.series == p.series and again.fit(QV_FRONTIER) == p.fit(QV_FRONTIER)


def test_the_names_deprecated_in_0_2_are_gone_in_0_3():
    """CHANGELOG.md, 0.3.0, Removed."""
    import qml.projection as projection

    for name in ("verification_cost", "frontier_lines"):
        assert not hasattr(projection, name)
    assert not hasattr(project(2030), "to_json")
    assert json.loads(json.dumps(project(2030).to_dict()))["until"] == 2030


@pytest.mark.parametrize("line,message", [
    ("2021-03,IBM,x,48,https://a.example,confirmed,", "not a power of two"),
    (",IBM,x,64,https://a.example,confirmed,", "missing date"),
    ("2021-13,IBM,x,64,https://a.example,confirmed,", "bad month"),
    ("soon,IBM,x,64,https://a.example,confirmed,", "unparseable date"),
    ("2021,IBM,x,-4,https://a.example,confirmed,", "must be positive"),
    ("2021,IBM,x,64,https://a.example,maybe,", "status must be"),
])
def test_bad_csv_rows_fail_clearly(tmp_path, line, message):
    path = tmp_path / "qv.csv"
    path.write_text(",".join(QV_COLUMNS) + "\n" + line + "\n")
    with pytest.raises(InvalidInputError, match=message):
        load_qv_records(path)


def test_unknown_columns_fail_clearly(tmp_path):
    path = tmp_path / "qv.csv"
    path.write_text("date,vendor,system,quantum_volume,source_url,status,colour\n")
    with pytest.raises(InvalidInputError, match="unknown columns \\['colour'\\]"):
        load_qv_records(path)


def test_cli_project_and_cost_write_their_files(tmp_path, capsys):
    from qml.cli import main
    from qml.volume import VerificationCost

    assert main(["qv", "project", "--until", "2035", "--out", str(tmp_path / "p")]) == 0
    doc = json.loads((tmp_path / "p" / "projection.json").read_text())
    assert doc["crossovers"] and any(s["name"] == "TOP500 #1 Rmax" for s in doc["series"])
    assert Projection.load(tmp_path / "p" / "projection.json").to_dict() == project(2035).to_dict()
    for name in ("qv_records.png", "growth.png", "verification_frontier.png"):
        assert (tmp_path / "p" / name).stat().st_size > 1000
    assert not list((tmp_path / "p").glob("*.svg"))  # PNG only unless --figure-format
    assert main(["qv", "project", "--vendor", "IBM", "--out", str(tmp_path / "ibm")]) == 0
    assert main(["qv", "cost", "--max-width", "8", "--out", str(tmp_path / "c")]) == 0
    cost = VerificationCost.load(tmp_path / "c" / "cost.json")
    assert cost.widths == list(range(2, 9)) and cost.machine_max_width > 20
    assert "crossover year" in capsys.readouterr().out


# --- 2025-2026: last reports, successor metrics, QV implied by two-qubit errors ------------

def test_vendors_last_reported_qv_and_what_they_report_instead():
    vendors = {v["vendor"]: v for v in last_reported(load_qv_records())}
    assert (vendors["IBM"]["last_date"], vendors["IBM"]["last_log2_qv"]) == ("2023-12", 9)
    assert vendors["IBM"]["reports_instead"].startswith("EPLG")
    assert vendors["IBM"]["since"] == "2023-11-20"
    assert (vendors["Quantinuum"]["last_date"], vendors["Quantinuum"]["last_log2_qv"]) == (
        "2025-09", 25)  # Honeywell's rows are Quantinuum's line
    assert "Honeywell" not in vendors
    assert vendors["IonQ"]["last_date"] is None  # only a claimed, never-measured QV
    assert vendors["IonQ"]["reports_instead"].startswith("#AQ")
    for m in load_vendor_metrics():
        assert m["source_url"].startswith("http") and 2020 < m["since_year"] < 2027


def test_a_vendors_last_record_is_the_latest_confirmed_one(tmp_path):
    path = tmp_path / "qv.csv"
    path.write_text(",".join(QV_COLUMNS) + "\n"
                    "2020,Acme,a,8,https://a.example,confirmed,\n"
                    "2022-05,Acme,b,32,https://a.example,confirmed,\n"
                    "2023-01,Acme,c,16,https://a.example,confirmed,\n"
                    "2024,Acme,d,64,https://a.example,claimed,\n")
    (acme,) = last_reported(load_qv_records(path), metrics=[])
    assert (acme["last_date"], acme["last_log2_qv"], acme["best_log2_qv"]) == ("2023-01", 4, 5)
    assert acme["reports_instead"] is None


def test_projection_marks_what_lies_beyond_each_lines_last_record():
    p = project(until=2030)
    ibm = {r["year"]: r for r in p.by_year if r["key"] == "qv_ibm"}
    frontier = {r["year"]: r for r in p.by_year if r["key"] == QV_FRONTIER}
    assert p.fit("qv_ibm").last_year == pytest.approx(decimal_year("2023-12"))
    assert all(r["extrapolated"] for r in ibm.values())  # by_year starts in 2025
    assert frontier[2025]["extrapolated"] is False and frontier[2026]["extrapolated"] is True
    series = {s["key"]: s for s in p.series}
    assert series["qv_frontier"]["last_data_year"] == pytest.approx(decimal_year("2025-09"))
    assert {v["vendor"] for v in p.vendors} >= {"IBM", "Quantinuum", "IonQ"}
    again = Projection.from_dict(p.to_dict())
    assert again.vendors == p.vendors and again.two_qubit_errors == p.two_qubit_errors
    old = p.to_dict()
    del old["vendors"], old["two_qubit_errors"]  # a file written before these fields
    assert Projection.from_dict(old).vendors == []
    ibm_only = project(until=2030, vendor="ibm")
    assert {r["vendor"] for r in ibm_only.two_qubit_errors} == {"IBM"}
    assert [v["vendor"] for v in ibm_only.vendors] == ["IBM"]


def test_two_qubit_error_series_is_sourced_and_implies_qv():
    from qml.volume.prediction import implied_log2_qv

    rows = load_two_qubit_errors()
    assert {r["vendor"] for r in rows} >= {"IBM", "Quantinuum", "IQM", "IonQ", "Google"}
    for r in rows:
        assert r["source_url"].startswith("http") and 2019 < r["year"] < 2027
        cap = r["qubits"] if r["scope"] == "device" else None
        assert r["implied_log2_qv"] == implied_log2_qv(r["two_qubit_error"], max_qubits=cap)
    h1 = next(r for r in rows if r["system"] == "H1-1")
    assert h1["implied_log2_qv"] == 20  # Quantinuum reported QV 2^20 on H1-1 that month
    (fit,) = implied_fits(rows)
    assert fit.key == "qv_implied_ibm" and fit.n == sum(r["vendor"] == "IBM" for r in rows)
    # an error that halves every year has a halving time of 12 months
    halving = [{"vendor": "Acme", "scope": "device", "status": "confirmed", "year": 2020 + k,
                "two_qubit_error": 0.01 / 2**k} for k in range(4)]
    (acme,) = error_fits(halving)
    assert acme.key == "error_acme" and acme.doubling_time_months == pytest.approx(12.0)


@pytest.mark.parametrize("name,qubits", [("fake_prague", 33), ("fake_boston", 156)])
def test_ibm_rows_are_the_medians_of_ibms_own_calibration_snapshots(name, qubits):
    """The IBM rows are computed from the calibration data that qiskit-ibm-runtime ships."""
    from qml.backends import fake_backend
    from qml.volume.devices import two_qubit_errors

    device = fake_backend(name)
    row = next(r for r in load_two_qubit_errors() if f"({name} " in r["system"])
    assert row["qubits"] == device.num_qubits == qubits
    assert row["date"] == str(device.properties().last_update_date)[:10]
    median = float(np.median(list(two_qubit_errors(device.target).values())))
    assert row["two_qubit_error"] == pytest.approx(median, abs=5e-6)


@pytest.mark.parametrize("line,message", [
    ("2024,X,s,20,1.5,mean,device,https://a.example,confirmed,", "must lie in \\(0, 1\\)"),
    ("2024,X,s,20,0.01,mean,chip,https://a.example,confirmed,", "scope must be one of"),
    ("2024,X,s,twenty,0.01,mean,device,https://a.example,confirmed,", "line 2"),
    ("May 2024,X,s,20,0.01,mean,device,https://a.example,confirmed,", "unparseable date"),
])
def test_bad_two_qubit_error_rows_fail_clearly(tmp_path, line, message):
    from qml.projection import TWO_QUBIT_COLUMNS

    path = tmp_path / "errors.csv"
    path.write_text(",".join(TWO_QUBIT_COLUMNS) + "\n" + line + "\n")
    with pytest.raises(InvalidInputError, match=message):
        load_two_qubit_errors(path)
