"""Every number the README's Findings quote is produced by a run: this recomputes each from
the code and data that produce it (the projection's fits, the demo's training, the scaling
benchmark's results file) and compares it with the text as printed there."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def findings() -> str:
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^## Findings\n(.*?)^## ", text, re.S | re.M)
    assert section, "the README has a Findings section"
    return " ".join(section.group(1).split())


@pytest.fixture(scope="module")
def projection():
    from qml.projection import project

    return project(until=2035)


def _words(path: Path) -> str:
    """A text file's words, one space apart (line breaks in the prose do not matter)."""
    return " ".join(path.read_text().split())


def _interval(fit) -> str:
    lo, hi = fit.doubling_time_interval
    return f"{lo:.1f}-{hi:.1f}"


def test_ibm_qv_doubling_time(findings, projection):
    fit = projection.fit("qv_ibm")
    assert (f"IBM's quantum volume doubled every {fit.doubling_time_months:.1f} months (95% "
            f"interval {_interval(fit)})") in findings
    ibm = next(v for v in projection.vendors if v["vendor"] == "IBM")
    assert ibm["last_log2_qv"] == 9 and ibm["last_date"].startswith("2023-12")
    assert "2^9 in December 2023" in findings


def test_record_frontier_and_the_year_qv_outgrows_its_verification(findings, projection):
    from qml.projection import QV_FRONTIER, STATE_VECTOR_RECORD

    frontier, top500 = projection.fit(QV_FRONTIER), projection.fit("top500_rmax")
    assert (f"record doubles every {frontier.doubling_time_months:.1f} months (95% "
            f"{_interval(frontier)})") in findings
    assert f"against {top500.doubling_time_months:.1f} months" in findings
    cross = projection.crossover(QV_FRONTIER, STATE_VECTOR_RECORD)
    lo, hi = cross["interval"]
    assert f"around **{cross['year']:.0f} (95% {lo:.0f}-{hi:.0f})**" in findings


def test_the_demos_vqc_and_logistic_regression(findings):
    """What ``qlimits demo`` trains and prints (seed 0)."""
    from sklearn.linear_model import LogisticRegression

    from qml import VQC
    from qml.datasets import load_dataset

    ds = load_dataset("breast_cancer", n_features=4, seed=0)
    vqc = VQC(seed=0).fit(ds.X_train, ds.y_train)
    baseline = LogisticRegression().fit(ds.X_train, ds.y_train)
    assert (f"A {vqc.n_qubits_}-qubit VQC ({len(vqc.weights_)} weights) reaches a test accuracy "
            f"of {vqc.score(ds.X_test, ds.y_test):.3f}") in findings
    assert f"logistic regression reaches {baseline.score(ds.X_test, ds.y_test):.3f}" in findings
    readme = (ROOT / "README.md").read_text()  # the "Ten lines" example trains the same model
    assert (f"clf.score(ds.X_test, ds.y_test))   # {vqc.score(ds.X_test, ds.y_test):.3f}"
            in readme)


def test_engine_speed_against_the_faster_peer(findings):
    results = json.loads((ROOT / "benchmarks" / "scaling_results.json").read_text())
    ratios = []
    for key, run in results["runs"].items():
        width = int(key.split(":")[1])
        if not 12 <= width <= 20 or "qlimits-forward" not in run:
            continue
        peers = [v["seconds"] for k, v in run.items()
                 if k.endswith("-forward") and not k.startswith("qlimits")]
        ratios.append(min(peers) / run["qlimits-forward"]["seconds"])
    assert (f"a 12-20 qubit classifier {min(ratios):.1f}-{max(ratios):.1f}x faster than the "
            "faster of Aer") in findings


def test_the_projection_guides_two_qubit_error_reading(projection):
    """The guide's reading of the two-qubit errors: every number recomputed, the H1-1 check
    stated with its cap, the IBM pace with its interval."""
    from qml.projection import error_fits
    from qml.volume.prediction import implied_log2_qv

    text = _words(ROOT / "docs" / "guide" / "projection.md")
    h1 = next(r for r in projection.two_qubit_errors
              if r["vendor"] == "Quantinuum" and r["system"] == "H1-1")
    uncapped, capped = implied_log2_qv(h1["two_qubit_error"], 1000), h1["implied_log2_qv"]
    assert capped == implied_log2_qv(h1["two_qubit_error"], h1["qubits"])
    assert (f"error of April 2024 ({h1['two_qubit_error']:.3%} over all pairs) implies "
            f"2^{uncapped} uncapped and 2^{capped} at its {h1['qubits']} qubits") in text
    reported = [r for r in projection.records if r["vendor"] == "Quantinuum"
                and r["date"].startswith("2024-04")]
    assert [r["log2_qv"] for r in reported] == [capped]  # "reported 2^20 that month"
    assert uncapped > capped  # so the cap does part of the agreeing, as the text says
    ibm = sorted((r for r in projection.two_qubit_errors if r["vendor"] == "IBM"),
                 key=lambda r: r["year"])
    fit = next(f for f in error_fits(projection.two_qubit_errors) if f.key == "error_ibm")
    lo, hi = fit.doubling_time_interval
    assert (f"fell from {ibm[0]['two_qubit_error']:.1%} (2020) to "
            f"{ibm[-1]['two_qubit_error']:.2%} (2026)") in text
    assert (f"a fit of the seven snapshots halves it every {fit.doubling_time_months:.0f} "
            f"months, but with a 95% interval of {lo:.0f}-{hi:.0f} months") in text
    assert len(ibm) == 7
    implied = projection.fit("qv_implied_ibm")
    lo, hi = implied.doubling_time_interval
    assert (f"rose from 2^{ibm[0]['implied_log2_qv']} to 2^{ibm[-1]['implied_log2_qv']}"
            ) in text
    assert f"doubling every {implied.doubling_time_months:.1f} months, 95% {lo:.1f}-{hi:.1f}" \
        in text


def test_the_guides_quote_the_benchmark_reports():
    """Numbers the user guides quote from benchmark runs are the ones those runs wrote."""
    compare_md = (ROOT / "benchmarks" / "COMPARE_REGRESSION.md").read_text()
    r2 = {row.split()[0]: row.split()[1] for row in compare_md.splitlines()
          if re.match(r"^[a-z_]+ +-?\d\.\d{3} ±", row)}
    wall = re.search(r"Wall time: ([\d.]+) s", compare_md).group(1)
    guide = _words(ROOT / "docs" / "guide" / "comparison.md")
    assert f"takes {float(wall):.0f} s on a 2-core machine" in guide
    names = {"gaussian_process": "the Gaussian process", "qsvr": "QSVR", "qgpr": "QGPR",
             "qkrr": "QKRR", "ridge": "ridge", "vqr": "the VQR",
             "gradient_boosting": "gradient boosting", "random_forest": "the random forest"}
    for key, name in names.items():
        assert f"{name} {r2[key]}" in guide, (key, r2[key])
    assert r2["svr"] == r2["mlp"] and f"the SVR and the MLP {r2['svr']}" in guide
    speed = json.loads((ROOT / "benchmarks" / "vqr_speed.json").read_text())
    regression = _words(ROOT / "docs" / "guide" / "regression.md")
    ours = speed["qlimits"]["seconds_per_iteration"] * 1e3
    theirs = speed["qiskit-machine-learning"]["seconds_per_iteration"]
    assert f"n = 8 on 100 samples takes {ours:.1f} ms" in regression
    assert f"with its default estimator {theirs:.1f} s" in regression
    assert f"the VQR scores R^2 {r2['vqr']}, below ridge regression's {r2['ridge']}" \
        in regression


def test_the_kernels_guide_quotes_the_default_and_nystroem_benchmarks():
    """The kernels guide's default-bandwidth and Nyström paragraphs, against the results
    files the benchmarks wrote."""
    guide = _words(ROOT / "docs" / "guide" / "kernels.md")
    defaults = json.loads((ROOT / "benchmarks" / "kernel_defaults.json").read_text())
    bc = defaults["breast_cancer"]
    assert (f"`QSVC()` scores {bc['auto']:.3f} on breast cancer (PCA to 4), where bandwidth 1 "
            f"scores {bc['bandwidth_1']:.3f} and the best fixed bandwidth in hindsight "
            f"{bc['best_fixed']:.3f}") in guide
    others = ", ".join(f"{defaults[k]['auto']:.3f} on {k}" for k in ("wine", "iris", "moons"))
    assert (f"It scores {others} and {defaults['circles']['auto']:.3f} on circles, and "
            f"{defaults['ad_hoc']['auto']:.3f} on the ad hoc data") in guide
    ratios = [v["time_ratio"] for v in defaults.values() if isinstance(v, dict)
              and "time_ratio" in v]
    assert f"The choice costs {min(ratios):.1f}-{max(ratios):.1f} times a fit" in guide
    nys = json.loads((ROOT / "benchmarks" / "nystroem.json").read_text())
    rows = {(r["dataset"], r["landmarks"]): r for r in nys["rows"]}
    exact, landmarks = rows["classification_12", None], rows["classification_12", 200]
    assert (f"200 landmarks score {landmarks['accuracy']:.4f} against the exact kernel's "
            f"{exact['accuracy']:.4f}, with {landmarks['kernel_circuits']:,} kernel circuits "
            f"instead of {exact['kernel_circuits']:,} "
            f"({exact['kernel_circuits'] / landmarks['kernel_circuits']:.1f}x fewer; "
            f"{nys['estimate']['nystroem_200']['qpu_seconds'] / 3600:.0f} QPU hours instead of "
            f"{nys['estimate']['exact']['qpu_seconds'] / 3600:.0f}") in guide
    assert (f"200 circuits per prediction instead of {exact['circuits_per_prediction']:,}; the "
            f"fit takes {landmarks['fit_s']:.1f} s here ({exact['fit_s']:.1f} s exact)") in guide
    digits, digits_200 = rows["digits_10_classes", None], rows["digits_10_classes", 200]
    assert (f"{digits['train']:,} training samples) the approximation costs more: 200 landmarks "
            f"score {digits_200['accuracy']:.3f} against {digits['accuracy']:.3f}") in guide


def _time(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.3g} s"


def test_the_speed_tables_are_the_scaling_benchmarks_results():
    """The README's and the speed guide's tables, rebuilt from scaling_results.json."""
    runs = json.loads((ROOT / "benchmarks" / "scaling_results.json").read_text())["runs"]
    readme = (ROOT / "README.md").read_text()
    guide = (ROOT / "docs" / "guide" / "speed.md").read_text()
    names = {"angle": "angle + real_amplitudes", "zz": "ZZ map + real_amplitudes"}
    for circuit, name in names.items():
        for n in (12, 16, 20):
            run = {k: v["seconds"] for k, v in runs[f"{circuit}:{n}"].items()
                   if isinstance(v, dict) and "seconds" in v}
            peer = min(("aer-forward", "lightning-forward"), key=run.get)
            forward = (f"| {name} | {n} | {_time(run['qlimits-forward'])} | "
                       f"{_time(run[peer])} ({peer.split('-')[0].replace('aer', 'Aer')}) | "
                       f"{run[peer] / run['qlimits-forward']:.1f}x faster |")
            assert forward in readme, forward
            step = (f" {_time(run['qlimits-gradient'])} | {_time(run['lightning-gradient'])} | "
                    f"{run['lightning-gradient'] / run['qlimits-gradient']:.1f}x faster |")
            assert forward + step in guide, forward + step


def test_the_speed_guides_small_width_table_and_memory_are_the_benchmarks_results():
    """The n = 8 table per iteration, rebuilt from results.json (vqc_speed.py), and the
    peak memory of the widest training steps from scaling_results.json."""
    runs = json.loads((ROOT / "benchmarks" / "results.json").read_text())["runs"]["8"]
    guide = _words(ROOT / "docs" / "guide" / "speed.md")

    def per_iteration(key: str) -> float:
        return runs[key]["fit_seconds"] / runs[key]["n_iter"]

    def shown(seconds: float) -> str:
        return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"

    rows = (("qlimits, exact COBYLA", "qlimits-cobyla-exact", None),
            ("qiskit-machine-learning VQC, default (exact) sampler",
             "qml-cobyla-default-sampler", "qlimits-cobyla-exact"),
            ("qiskit-machine-learning VQC, Aer SamplerV2", "qml-cobyla-aer-samplerv2",
             "qlimits-cobyla-exact"),
            ("qlimits, exact Adam step (adjoint gradient)", "qlimits-adam-exact", None),
            ("PennyLane default.qubit, backprop + broadcasting",
             "pennylane-default-backprop-adam", "qlimits-adam-exact"),
            ("PennyLane lightning.qubit, adjoint", "pennylane-lightning-adjoint-adam",
             "qlimits-adam-exact"))
    for name, key, reference in rows:
        ratio = (f" {per_iteration(key) / per_iteration(reference):.0f}x faster |" if reference
                 else " |")
        assert f"| {name} | {shown(per_iteration(key))} |{ratio}" in guide, name
    scaling = json.loads((ROOT / "benchmarks" / "scaling_results.json").read_text())["runs"]
    peak_20 = max(scaling[f"{c}:20"]["qlimits-gradient"]["peak_rss_mib"] for c in ("angle", "zz"))
    peak_22 = max(scaling[f"{c}:22"]["qlimits-gradient"]["peak_rss_mib"] for c in ("angle", "zz"))
    assert f"peaks at {peak_20:.0f} MiB" in guide
    assert "22 qubits at about 1 GiB" in guide and round(peak_22 / 1024, 1) == 1.0


def test_the_quantum_volume_guide_quotes_its_benchmarks():
    """Speed and prediction accuracy in the QV guide, against qv_results.json and
    qv_from_errors.json."""
    guide = _words(ROOT / "docs" / "guide" / "quantum-volume.md")
    speed = json.loads((ROOT / "benchmarks" / "qv_results.json").read_text())
    ours, aer = speed["qlimits"], speed["qlimits (method='aer')"]
    theirs = speed["qiskit-experiments"]
    assert (f"| qlimits | {ours['seconds']:.2f} s | "
            f"{theirs['seconds'] / ours['seconds']:.1f}x |") in guide
    assert (f"| qlimits, `method=\"aer\"` | {aer['seconds']:.2f} s | "
            f"{theirs['seconds'] / aer['seconds']:.1f}x |") in guide
    assert f"`QuantumVolume(...).run()` | {theirs['seconds']:.2f} s |" in guide
    rows = {r["width"]: r for r in speed["scaling"]["rows"]}
    assert (f"at width 10: {rows[10]['auto']:.2f} s against Aer's {rows[10]['aer']:.1f} s; at "
            f"width 12, {rows[12]['auto']:.0f} s against {rows[12]['aer']:.0f} s") in guide
    assert (f"{theirs['zero_hop_trials']['3']} of {speed['trials']} trials at seed 0, a mean HOP "
            f"of {theirs['mean_hop']['3']:.3f} against {ours['mean_hop']['3']:.3f} here") in guide
    readme = _words(ROOT / "README.md")
    assert (f"its own exact engine, {theirs['seconds'] / ours['seconds']:.1f}x faster than "
            "qiskit-experiments on the same sweep") in readme
    assert (f"is {theirs['first'] / ours['first']:.1f}x faster ({ours['first']:.2f} s against "
            f"{theirs['first']:.2f} s)") in guide
    assert f"transpiler ({ours['stages']['transpile']:.2f} s)" in guide
    errors = json.loads((ROOT / "benchmarks" / "qv_from_errors.json").read_text())
    s, qv = errors["summary"], errors["quantum_volume"].values()
    assert f"all {s['devices']} fake devices" in guide
    assert (f"predicted to {s['mean_abs_difference']:.3f} on average (mean difference "
            f"{s['mean_difference']:.3f}") in guide
    assert (f"the verdicts agree at {s['verdicts_agree']} of {s['rows']} device-widths and the "
            f"quantum volume on {s['qv_agree']} of {s['devices']} devices (the model predicts "
            f"lower on {sum(v['predicted'] < v['simulated'] for v in qv)}, higher on "
            f"{sum(v['predicted'] > v['simulated'] for v in qv)})") in guide
    assert f"up to {s['max_abs_difference']:.2f} too high" in guide
    from qiskit_ibm_runtime.fake_provider import FakeTorontoV2

    target = FakeTorontoV2().target
    t1 = min(target.qubit_properties[q].t1 for q in (24, 25))
    assert (f"(fake_toronto's CX 24-25: {target['cx'][24, 25].duration * 1e6:.1f} µs against "
            f"T1 {t1 * 1e6:.0f} µs)") in guide


def test_the_kernels_guide_quotes_the_speed_and_trained_kernel_benchmarks():
    guide = _words(ROOT / "docs" / "guide" / "kernels.md")
    speed = json.loads((ROOT / "benchmarks" / "kernel_results.json").read_text())
    c = speed["n8"]
    assert (f"| 8 | {c['qlimits_s'] * 1e3:.1f} ms | `FidelityStatevectorKernel` "
            f"{c['fsk_s']:.2f} s | **{c['fsk_ratio']:.0f}x** |") in guide
    assert (f"| 8 | {c['qlimits_subset_s'] * 1e3:.1f} ms on 40 x 40 | `FidelityQuantumKernel` "
            f"(default sampler) {c['fqk_subset_s']:.1f} s on 40 x 40; "
            f"{c['fqk_extrapolated_s'] / 3600:.1f} h extrapolated to 500 x 500 | "
            f"**{c['fqk_subset_ratio']:,.0f}x** on the same subset |") in guide
    for wide in speed["wide"]:
        assert (f"| {wide['n']} | {wide['second_s']:.3g} s, peak "
                f"{wide['peak_rss_mib'] / 1024:.1f} GiB") in guide
    trained = json.loads((ROOT / "benchmarks" / "trainable_kernel.json").read_text())
    rows = {r["dataset"]: r for r in trained}
    for name, label in (("breast_cancer", "breast cancer"), ("wine", "wine"),
                        ("classification_6", "a 6-feature synthetic problem")):
        r = rows[name]
        assert (f"from {r['alignment_before']:.3f} to {r['qlimits']['alignment_after']:.3f} "
                f"(QKT {r['qkt']['alignment_after']:.3f}) on {label}") in guide
        assert (f"from {r['untrained_accuracy']:.3f} to {r['qlimits']['accuracy']:.3f} (QKT "
                f"{r['qkt']['accuracy']:.3f}) on {label.replace('a 6-feature ', 'the ')}"
                ) in guide
    ad_hoc = speed["accuracy"]
    assert (f"a VQC with the same ZZ map {ad_hoc['vqc_test']:.3f}; an RBF SVM "
            f"{ad_hoc['rbf_svm_test']:.3f}") in guide
    ours = [r["qlimits"]["train_s"] for r in trained]
    theirs = [r["qkt"]["train_s"] for r in trained]
    assert (f"in {min(ours):.1f}-{max(ours):.1f} s against QKT's {min(theirs):.0f}-"
            f"{max(theirs):.0f} s") in guide


def test_the_cluster_guide_quotes_the_scale_out_benchmark():
    guide = _words(ROOT / "docs" / "guide" / "cluster.md")
    run = json.loads((ROOT / "benchmarks" / "scale_out_results.json").read_text())
    t = run["seconds"]
    one, two = t["1_workers"], t["2_workers"]
    inproc, cores = t["in_process_1_thread"], t["in_process_all_cores"]
    assert (f"| in-process, 1 thread / all cores | {inproc['qv_devices']:.2f} / "
            f"{cores['qv_devices']:.2f} | {inproc['vqc_epoch']:.2f} / "
            f"{cores['vqc_epoch']:.2f} |") in guide
    assert (f"| 1 worker | {one['qv_devices']:.2f} "
            f"({inproc['qv_devices'] / one['qv_devices']:.2f}x in-process) | "
            f"{one['vqc_epoch']:.2f} ({one['vqc_epoch'] / inproc['vqc_epoch']:.2f}x) |") in guide
    assert (f"| 2 workers | {two['qv_devices']:.2f} "
            f"({one['qv_devices'] / two['qv_devices']:.2f}x one worker) | "
            f"{two['vqc_epoch']:.2f} ({one['vqc_epoch'] / two['vqc_epoch']:.2f}x) |") in guide
    worst = max(r["vqc_weights_max_diff"] for r in run["same_results"].values())
    assert all(r["qv_hops_equal"] for r in run["same_results"].values())
    assert f"to {worst:.1e}, the same weights" in guide
    o = run["overhead"]
    assert (f"A task costs {o['per_task_seconds_batched'] * 1e3:.1f} ms of overhead "
            f"({o['round_trip_seconds'] * 1e3:.0f} ms for a single round trip)") in guide
    assert (f"as fast as two workers ({cores['vqc_epoch']:.2f} s against "
            f"{two['vqc_epoch']:.2f} s)") in guide


def test_the_hardware_guides_dry_run_is_what_the_estimate_prints(tmp_path, monkeypatch):
    """The dry-run output the hardware guide shows (its first, last and total lines)."""
    from qml.volume import estimate_quantum_volume

    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "ledger.db"))
    estimate = estimate_quantum_volume("fake:fake_kolkata", list(range(2, 7)), trials=100,
                                       shots=1024, seed=0)
    lines = estimate.summary().splitlines()
    guide = (ROOT / "docs" / "guide" / "hardware.md").read_text()
    shown = [line for line in lines if line.lstrip().startswith(
        ("Cost estimate", "kind", "qv_width_2 ", "qv_width_6 ", "total:", "model:"))]
    assert len(shown) == 6
    for line in shown:
        assert line in guide, line


def test_the_layer_fidelity_guides_kolkata_measurement():
    """The guide's fake_kolkata EPLG: the default measurement at seed 0."""
    from qml.layer_fidelity import measure_layer_fidelity

    res = measure_layer_fidelity("aer:fake_kolkata", seed=0)
    guide = _words(ROOT / "docs" / "guide" / "layer-fidelity.md")
    assert len(res.chain) == 8
    assert (f"On fake_kolkata's 8-qubit chain: EPLG {res.eplg:.4f} ± {res.eplg_stderr:.4f} "
            f"(seed 0) against {res.expected_eplg:.4f} from the two-qubit errors alone") in guide


def test_the_regression_guide_quotes_the_regression_benchmark():
    guide = _words(ROOT / "docs" / "guide" / "regression.md")
    r2 = {row["model"]: row["r2"]
          for row in json.loads((ROOT / "benchmarks" / "regression.json").read_text())}
    assert (f"score R^2 {r2['QKRR (10 qubits)']:.3f} (QKRR), {r2['QSVR (10 qubits)']:.3f} "
            f"(QSVR) and {r2['QGPR (10 qubits)']:.3f} (QGPR)") in guide
    assert (f"ridge regression scores {r2['ridge']:.3f} and a classical Gaussian process "
            f"{r2['Gaussian process (RBF + noise)']:.3f}; an RBF `SVR` at scikit-learn's "
            f"defaults scores {r2['SVR (RBF)']:.3f}") in guide
    pca = [v for k, v in r2.items() if k.endswith("(PCA 4)")]
    assert f"the quantum models score {min(pca):.3f}-{max(pca):.3f}" in guide


def test_the_readmes_quantum_volume_example():
    """The README's QV lines print what its comment says, and fake_kolkata reports 128."""
    from qml.backends import fake_backend
    from qml.volume import measure_quantum_volume

    result = measure_quantum_volume("aer:fake_kolkata", widths=[2, 3, 4, 5], trials=100, seed=0)
    reported = fake_backend("fake_kolkata").configuration().quantum_volume
    readme = (ROOT / "README.md").read_text()
    assert (f"print(result.quantum_volume)          # {result.quantum_volume} under this noise "
            f"model (fake_kolkata reports {reported})") in readme


def test_the_kernels_guide_example_projected_and_mitigation_numbers():
    """The kernels guide's opening example (run), its projected-kernel comparison and its
    mitigation distances (the benchmark files)."""
    from qml.datasets import load_dataset
    from qml.models.qsvc import QSVC

    guide = _words(ROOT / "docs" / "guide" / "kernels.md")
    ds = load_dataset("ad_hoc", seed=0)
    clf = QSVC(input_scaling=None, seed=0).fit(ds.X_train, ds.y_train)
    shown = (round(clf.score(ds.X_test, ds.y_test), 3), round(clf.kernel_target_alignment_, 3))
    assert f"clf.kernel_target_alignment_ # {shown}" in guide
    assert (f"`ad_hoc` (its default generation: {len(ds.y_train)} training and "
            f"{len(ds.y_test)} test samples): QSVC {shown[0]:.3f}") in guide
    scaled = QSVC(seed=0).fit(ds.X_train, ds.y_train).score(ds.X_test, ds.y_test)
    assert f"the QSVC then scores {scaled:.2f} there" in guide  # min-max scaled angles
    projected = json.loads((ROOT / "benchmarks" / "projected_kernel.json").read_text())
    assert (f"to {projected['max_abs_difference']:.1e}, in "
            f"{projected['qlimits_seconds'] * 1e3:.0f} ms against sQUlearn's "
            f"{projected['squlearn_seconds']:.0f} s for the {projected['samples']} x "
            f"{projected['samples']} Gram matrix at {projected['qubits']} qubits") in guide
    rows = dict(re.findall(r"^\| (none|average|split) \| ([\d.]+) \|$",
                           (ROOT / "benchmarks" / "KERNEL_NOISE.md").read_text(), re.M))
    assert f"moves the Gram matrix from {rows['none']} to {rows['split']}" in guide


def test_the_hardware_guide_quotes_the_job_limits_and_the_scale_benchmarks():
    """The limits and the calibration the guide states are the code's constants; the two
    benchmark files it includes met the issue's bars when they were written."""
    from qml.hardware.job_limits import (
        DEFAULT_MAX_CIRCUITS,
        INSTRUCTION_COST,
        MAX_EXECUTIONS,
        MAX_INSTRUCTIONS_PER_QUBIT,
    )
    from qml.hardware.mitigation import CALIBRATION_SHOTS

    guide = _words(ROOT / "docs" / "guide" / "hardware.md")
    assert f"more than {MAX_EXECUTIONS / 1e6:.0f} million executions" in guide
    assert (f"more than {MAX_INSTRUCTIONS_PER_QUBIT / 1e6:.1f} million control-system "
            "instructions on one qubit") in guide
    cost = INSTRUCTION_COST
    assert (f"`rz` {cost['rz']}, `sx` {cost['sx']}, two-qubit gates {cost['cx']}, `measure` "
            f"{cost['measure']}") in guide
    assert f"{DEFAULT_MAX_CIRCUITS:,} circuits per job" in guide
    assert f"one job of two circuits at {CALIBRATION_SHOTS:,} shots" in guide
    jobs = json.loads((ROOT / "benchmarks" / "hardware_jobs.json").read_text())
    assert jobs["rerun_equals_uninterrupted"]
    assert jobs["uninterrupted_jobs"] == jobs["expected_jobs"] == -(-jobs["kernel_circuits"]
                                                                    // 1000)
    assert jobs["jobs_submitted_by_the_rerun"] == (jobs["expected_jobs"]
                                                   - jobs["jobs_done_when_killed"])
    assert jobs["distinct_payloads_done"] == jobs["expected_jobs"]
    mitigation = json.loads((ROOT / "benchmarks" / "mitigation.json").read_text())
    assert mitigation["m3_closer_in"] == len(mitigation["seeds"]) == 6
    exact = mitigation["exact"]["log_loss"]
    none, m3 = (mitigation["summary"][k]["log_loss"][0] for k in ("none", "m3"))
    assert abs(m3 - exact) < abs(none - exact)
