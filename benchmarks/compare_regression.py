"""The regression comparison on diabetes, timed: every model, 5 folds, as the CLI runs it.

    python benchmarks/compare_regression.py     # writes COMPARE_REGRESSION.md here

Runs ``qlimits compare --task regression --dataset diabetes --folds 5`` in a subprocess (a
fresh interpreter: imports and the engine's compilation are part of the time) and records
its wall time against the bar (under 5 minutes on this 2-core machine) and its table.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAR_SECONDS = 300


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        command = ["qlimits", "compare", "--task", "regression", "--dataset", "diabetes",
                   "--folds", "5", "--out", str(Path(tmp) / "out"), "-q"]
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "qml.cli", *command[1:]], capture_output=True,
                             text=True, check=True)
        seconds = time.perf_counter() - start
    table = "\n".join(line.rstrip() for line in run.stdout.splitlines()
                      if not line.startswith("wrote "))
    verdict = "meets" if seconds < BAR_SECONDS else "MISSES"
    text = f"""# Regression comparison on diabetes

`python benchmarks/compare_regression.py` ({time.strftime('%Y-%m-%d')}, this 2-core machine)
runs `{' '.join(command[:-3])}` in a fresh interpreter: the four quantum regressors and six
classical ones at their defaults, 5 shuffled folds (seed 0), permutation importances and
the VQR's input gradients.

**Wall time: {seconds:.1f} s** ({verdict} the bar of {BAR_SECONDS} s).

```text
{table}
```
"""
    (HERE / "COMPARE_REGRESSION.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
