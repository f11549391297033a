import json
import sys

import pytest

from qml.cli import main
from tests.helpers import qlimits


def test_train_writes_its_files(tmp_path, capsys):
    out = tmp_path / "iris"
    code = main(["train", "--dataset", "iris", "--qubits", "4", "--feature-map", "zz",
                 "--ansatz", "real_amplitudes", "--optimizer", "cobyla", "--maxiter", "30",
                 "--backend", "statevector", "--seed", "0", "--out", str(out)])
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("train_accuracy", "test_accuracy", "final_loss", "fit_seconds",
                "circuit_evaluations"):
        assert key in metrics
    assert metrics["circuit_evaluations"] == 30 * 105
    assert (out / "loss.png").stat().st_size > 1000
    assert json.loads((out / "model.json").read_text())["format"] == "qlimits.vqc"
    assert "test_accuracy" in capsys.readouterr().out


def test_train_with_shots_on_the_engine(tmp_path):
    out = tmp_path / "shots"
    assert main(["train", "--dataset", "iris", "--classes", "1,2", "--shots", "128",
                 "--maxiter", "3", "--seed", "1", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    model = json.loads((out / "model.json").read_text())
    assert metrics["shots"] == model["shots"] == 128
    assert (model["params"]["backend"], model["optimizer"]) == ("statevector", "spsa")


def test_demo(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "logistic regression" in text
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["test_accuracy"] >= 0.85
    assert (tmp_path / "decision_regions.png").exists() and (tmp_path / "loss.png").exists()
    assert (tmp_path / "verification_frontier.png").exists()
    assert "QV outgrows the largest classical state-vector simulations" in text
    flat = " ".join(text.split())  # the headline is wrapped for the terminal
    assert "IBM last reported QV 2^9 (2023-12)" in flat and "EPLG" in flat
    assert "two-qubit error fell from 0.011 (2020)" in flat and "halves every" in flat


def test_errors_are_one_line_and_exit_1(tmp_path, capsys):
    code = main(["train", "--dataset", "iris", "--backend", "nope", "--out", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("qlimits: error: unknown backend 'nope'") and "statevector" in err
    assert not (tmp_path / "model.json").exists()


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["demo", "--help"]])
def test_help_reads_well(args):
    res = qlimits(*args)
    assert res.returncode == 0
    assert "usage: qlimits" in res.stdout and len(res.stdout.splitlines()) > 3


def test_qv_measure_writes_json_table_and_plots(tmp_path, capsys):
    out = tmp_path / "qv"
    code = main(["qv", "measure", "--backend", "aer:fake_lima", "--widths", "2-3", "--trials",
                 "10", "--shots", "64", "--seed", "0", "--bootstrap", "--out", str(out)])
    assert code == 0
    doc = json.loads((out / "qv.json").read_text())
    assert doc["backend"] == "aer:fake_lima" and doc["seed"] == 0
    assert [w["width"] for w in doc["widths"]] == [2, 3]
    assert len(doc["widths"][0]["hops"]) == 10
    for name in ("qv_width_2.png", "qv_width_3.png", "qv_widths.png"):
        assert (out / name).stat().st_size > 1000
    text = capsys.readouterr().out
    assert "mean HOP" in text and "no verdict (10 < 100 trials)" in text
    assert "bootstrap bound" in text and doc["widths"][0]["bootstrap_lower_bound"] < 1
    assert "quantum volume on aer:fake_lima: 1" in text


def test_qv_devices_reports_both_figures(tmp_path, capsys, dask_client):
    code = main(["qv", "devices", "--backends", "fake_lima,fake_athens", "--widths", "2",
                 "--trials", "5", "--shots", "32", "--method", "aer", "--out", str(tmp_path),
                 "--scheduler", dask_client.scheduler.address])
    assert code == 0
    doc = json.loads((tmp_path / "devices.json").read_text())
    assert [d["reported_quantum_volume"] for d in doc["devices"]] == [8, 32]
    assert [len(d["eplg_chain"]) for d in doc["devices"]] == [4, 5]  # T and line of 5
    assert all(0 < d["eplg_from_reported_errors"] < 0.05 for d in doc["devices"])
    text = capsys.readouterr().out
    assert "Why simulated and reported" in text and "EPLG from 2q errors" in text
    for name in ("fake_lima", "fake_athens"):  # every device's sweep, as written
        assert json.loads((tmp_path / f"{name}.json").read_text())["complete"] is True


def test_qv_measure_resume_keeps_the_written_widths(tmp_path):
    out = str(tmp_path / "qv")
    common = ["qv", "measure", "--backend", "aer", "--trials", "25", "--shots", "64",
              "--seed", "3", "--out", out]
    assert main([*common, "--widths", "2,3"]) == 0
    first = json.loads((tmp_path / "qv" / "qv.json").read_text())
    res = qlimits(*common, "--widths", "2-4", "--resume", "-v")
    assert res.returncode == 0 and "widths [2, 3] already measured" in res.stderr
    doc = json.loads((tmp_path / "qv" / "qv.json").read_text())
    assert [w["width"] for w in doc["widths"]] == [2, 3, 4] and doc["complete"]
    assert doc["widths"][:2] == first["widths"]


def test_qv_resume_with_other_settings_is_one_line(tmp_path, capsys):
    common = ["qv", "measure", "--backend", "aer", "--trials", "25", "--widths", "2",
              "--seed", "3", "--out", str(tmp_path)]
    assert main([*common, "--shots", "64"]) == 0
    capsys.readouterr()
    assert main([*common, "--shots", "32", "--resume"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"qlimits: error: cannot resume from {tmp_path}/qv.json: it was measured with shots 64 "
        "(now 32); use the same settings, or another output"]


def test_train_on_a_running_cluster_by_its_address(tmp_path, dask_client):
    res = qlimits("train", "--dataset", "iris", "--classes", "0,1", "--maxiter", "5", "--seed",
                  "0", "--out", tmp_path, "-v", "--scheduler", dask_client.scheduler.address)
    assert res.returncode == 0, res.stderr
    assert f"on the Dask cluster at {dask_client.scheduler.address} (2 workers)" in res.stderr
    here = main(["train", "--dataset", "iris", "--classes", "0,1", "--maxiter", "5", "--seed",
                 "0", "--out", str(tmp_path / "here")])
    assert here == 0
    a = json.loads((tmp_path / "model.json").read_text())["weights"]
    b = json.loads((tmp_path / "here" / "model.json").read_text())["weights"]
    assert max(abs(x - y) for x, y in zip(a, b)) < 1e-10


@pytest.mark.parametrize("scheduler, message", [
    ("tcp://127.0.0.1:{port}", "cannot reach a Dask scheduler at tcp://127.0.0.1:{port} "
                               "within 1 s"),
    ("local:zero", "scheduler 'local:zero' is not understood"),
])
def test_a_bad_scheduler_is_one_line(tmp_path, capsys, monkeypatch, scheduler, message):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("QLIMITS_SCHEDULER_TIMEOUT", "1")
    code = main(["qv", "measure", "--backend", "aer", "--widths", "2", "--out",
                 str(tmp_path), "--scheduler", scheduler.format(port=port)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert err[0].startswith("qlimits: error: " + message.format(port=port))
    assert not (tmp_path / "qv.json").exists() or json.loads(
        (tmp_path / "qv.json").read_text())["widths"] == []


def test_scheduler_without_the_extra_names_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["compare", "--dataset", "iris", "--out", str(tmp_path),
                 "--scheduler", "local"]) == 1
    assert capsys.readouterr().err.strip() == (
        "qlimits: error: running on a Dask cluster needs dask.distributed: "
        "pip install 'qlimits[dask]'")


def test_qv_errors_exit_1_and_usage_errors_exit_2(tmp_path, capsys):
    assert main(["qv", "measure", "--backend", "aer:fake_lima", "--widths", "6",
                 "--out", str(tmp_path)]) == 1
    assert "exceeds the 5 qubits" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["qv", "measure", "--backend", "aer", "--widths", "two"])
    assert exc.value.code == 2


def test_verbose_shows_what_happens_inside_and_quiet_hides_it(tmp_path, capsys):
    args = ["qv", "measure", "--backend", "aer:fake_lima", "--widths", "2", "--trials", "4",
            "--shots", "16", "--out", str(tmp_path / "qv")]
    assert main(["-v", *args]) == 0
    err = capsys.readouterr().err
    assert "qlimits: INFO: width 2: physical qubits" in err
    assert "qlimits: INFO: width 2: mean HOP" in err
    assert main([*args, "-vv"]) == 0  # after the subcommand too; -vv names the module
    assert "qlimits: DEBUG: qml.files: wrote" in capsys.readouterr().err
    assert main([*args, "-q"]) == 0
    err = capsys.readouterr().err
    assert "INFO" not in err and "width/s" not in err and "QV on" not in err  # no bar
    assert main(args) == 0
    assert "INFO" not in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["-v", "-q", *args])


def test_warnings_are_one_line_and_the_logging_setup_is_undone(tmp_path, capsys):
    import logging
    import warnings

    before = (logging.getLogger("qml").handlers[:], warnings.showwarning)
    code = main(["train", "--dataset", "iris", "--classes", "1,2", "--optimizer", "cobyla",
                 "--learning-rate", "0.5", "--maxiter", "20", "--out", str(tmp_path)])
    assert code == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "WARNING" in ln]
    assert lines == ["qlimits: WARNING: UserWarning: VQC option not used: learning_rate=0.5 "
                     "(cobyla has no step size)"]
    assert (logging.getLogger("qml").handlers, warnings.showwarning) == before


@pytest.mark.parametrize("command, work", [
    (["train", "--dataset", "iris", "--maxiter", "2"], "qml.models.vqc.VQC.fit"),
    (["qv", "measure", "--backend", "statevector", "--widths", "2", "--trials", "3"],
     "qml.volume.measure_quantum_volume"),
    (["qv", "project"], "qml.projection.project"),
])
def test_an_unwritable_output_is_refused_before_any_work(tmp_path, capsys, monkeypatch,
                                                         command, work):
    def started(*args, **kwargs):
        raise AssertionError("the work started before the output was checked")

    monkeypatch.setattr(work, started)
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    for out, message in ((blocker, "is a file, not a folder"),
                         (blocker / "sub", "cannot write results to")):
        assert main([*command, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("qlimits: error: ") and message in err and err.count("\n") == 1


def test_a_missing_data_file_is_one_line(tmp_path, capsys):
    assert main(["qv", "project", "--data", str(tmp_path / "missing.csv"), "--out",
                 str(tmp_path / "p")]) == 1
    assert capsys.readouterr().err == f"qlimits: error: {tmp_path / 'missing.csv'}: no such file\n"


def test_figures_in_svg_and_pdf_on_request(tmp_path):
    assert main(["qv", "project", "--until", "2030", "--figure-format", "svg",
                 "--figure-format", "pdf", "--out", str(tmp_path)]) == 0
    for name in ("qv_records", "growth", "verification_frontier"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (tmp_path / f"{name}.svg").read_bytes()[:400]
        assert (tmp_path / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
