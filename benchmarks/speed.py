"""Speed and memory of GANOverSampler.fit_resample at its defaults.

Each measurement runs in a fresh Python process (so peak memory is that of
one fit) and prints one line; a Markdown table is written at the end.

    python benchmarks/speed.py              # the full grid (several minutes)
    python benchmarks/speed.py --quick      # a smaller grid
    python benchmarks/speed.py --ctgan      # add CTGAN where it is importable
    python benchmarks/speed.py --device cuda  # train on a GPU
    python benchmarks/speed.py --repeat 3   # each case 3 times; the fastest counts
    python benchmarks/speed.py --autograd   # CPU steps through autograd, to compare
    python benchmarks/speed.py --only classes=1 classes=20  # some cases only

Grids (minority class sizes are rows of the class that gets a GAN; the
majority class has twice as many rows, or 2,000 when that is larger):

* rows: 1k, 10k, 100k minority rows x 20 numeric columns (with and without
  ``early_stopping``), and 100k rows x 100 numeric columns;
* columns: 10, 100 and 500 encoded columns (numeric, and 50 categorical columns
  of 10 levels for 500);
* classes: 1, 5 and 20 minority classes of 200 rows x 10 columns;
* threads: torch intra-op threads 1 vs 2 on the 1k x 20 case and on one and
  twenty classes (CPU only).

On a shared machine wall times vary from run to run; ``--repeat N`` runs each
case N times (each in a fresh process) and reports the fastest, with the
slowest beside it.

After the table comes the issue's targets, each marked met or not, computed
from the fastest runs of the cases that ran.

With ``--device cuda`` the GAN trains on the GPU and the peak GPU memory is
reported too; the fit includes copying the data there and the rows back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd, torch
spec = json.loads(sys.argv[1])
torch.set_num_threads(spec["threads"])
rng = np.random.default_rng(0)
n, k, width, n_cat = spec["rows"], spec["classes"], spec["numeric"], spec["categorical"]
majority = max(2000, 2 * n)
y = np.concatenate([np.zeros(majority, int)] + [np.full(n, c + 1) for c in range(k)])
X = pd.DataFrame(rng.normal(size=(len(y), width)) + 0.3 * y[:, None],
                 columns=[f"x{i}" for i in range(width)])
for j in range(n_cat):
    X[f"c{j}"] = pd.Categorical(rng.integers(0, 10, len(y)).astype(str))
if spec["method"] == "gan":
    from gan_oversampler import GANOverSampler
    device = spec["device"]
    # The training step's kind: --autograd replaces the CPU's hand-written one.
    step = "autograd" if spec["autograd"] and device == "cpu" else "auto"
    sampler = GANOverSampler(
        random_state=0, early_stopping=spec["early_stopping"], device=device
    )
    sampler._training_step = step
    warm = np.arange(200) % 2  # import and first-call costs out of the timing
    warm_up = GANOverSampler(epochs=1, random_state=0, device=device)
    warm_up._training_step = step
    warm_up.fit_resample(X.iloc[:200], warm)
    if device != "cpu":
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    steps = sum(h.n_steps for h in sampler.history_.values()) / len(sampler.history_)
    encoded = sampler.encoder_.n_features_out_
else:
    from ctgan import CTGAN
    start = time.perf_counter()
    for c in range(1, k + 1):
        model = CTGAN(verbose=False)
        model.fit(X[y == c], discrete_columns=[f"c{j}" for j in range(n_cat)])
        model.sample(majority - n)
    seconds = time.perf_counter() - start
    steps, encoded = float("nan"), float("nan")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
gpu = torch.cuda.max_memory_allocated() / 2**20 if spec["device"] != "cpu" else 0.0
print(json.dumps({"seconds": seconds, "peak_mb": peak, "gpu_mb": gpu,
                  "steps": steps, "encoded": encoded}))
"""


def _run(spec: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OMP_NUM_THREADS": str(spec["threads"])},
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _grid(
    quick: bool, ctgan: bool, device: str, autograd: bool = False
) -> list[tuple[str, dict]]:
    base = {
        "device": device,
        "rows": 1000,
        "classes": 1,
        "numeric": 20,
        "categorical": 0,
        "threads": 1,
        "early_stopping": False,
        "method": "gan",
        "autograd": autograd,
    }
    rows = [1000, 10_000] if quick else [1000, 10_000, 100_000]
    grid = [(f"rows={n}", {**base, "rows": n}) for n in rows]
    grid += [
        (f"rows={n} early_stopping", {**base, "rows": n, "early_stopping": True})
        for n in rows
    ]
    if not quick:
        grid.append(
            ("rows=100000 columns=100", {**base, "rows": 100_000, "numeric": 100})
        )
    grid += [
        ("columns=10", {**base, "numeric": 10}),
        ("columns=100", {**base, "numeric": 100}),
    ]
    if not quick:
        grid.append(("columns=500", {**base, "numeric": 0, "categorical": 50}))
    classes = [1, 5] if quick else [1, 5, 20]
    grid += [
        (f"classes={k}", {**base, "rows": 200, "numeric": 10, "classes": k})
        for k in classes
    ]
    if device == "cpu":
        grid += [("threads=2", {**base, "threads": 2})]
        if not quick:
            grid += [
                (
                    f"classes={k} threads=2",
                    {**base, "rows": 200, "numeric": 10, "classes": k, "threads": 2},
                )
                for k in (1, 20)
            ]
    if ctgan:
        grid += [
            ("CTGAN rows=1000", {**base, "method": "ctgan"}),
            (
                "CTGAN classes=5",
                {**base, "rows": 200, "numeric": 10, "classes": 5, "method": "ctgan"},
            ),
        ]
    return grid


def _targets(seconds: dict[str, float], device: str) -> list[str]:
    """The issue's targets, met or not, for the cases that ran (fastest runs)."""

    def ratio(slow: str, fast: str) -> float | None:
        if slow in seconds and fast in seconds:
            return seconds[slow] / seconds[fast]
        return None

    # (what, measured value, unit, "<=" or ">=", bound)
    checks = [
        ("1k x 20 minority class", seconds.get("rows=1000"), "s", "<=", 1.0),
        ("CTGAN / GAN, 1k rows", ratio("CTGAN rows=1000", "rows=1000"), "x", ">=", 20),
        (
            "CTGAN / GAN, 5 classes",
            ratio("CTGAN classes=5", "classes=5"),
            "x",
            ">=",
            20,
        ),
        ("20 classes / 1 class", ratio("classes=20", "classes=1"), "x", "<=", 3),
        (
            "20 classes / 1 class, 2 threads",
            ratio("classes=20 threads=2", "classes=1 threads=2"),
            "x",
            "<=",
            3,
        ),
        (
            "100k rows with early stopping",
            seconds.get("rows=100000 early_stopping"),
            "s",
            "<=",
            60,
        ),
    ]
    if device != "cpu":
        value = seconds.get("rows=100000 columns=100")
        checks.append(("100k x 100 on the GPU", value, "s", "<=", 10))
    out = []
    for what, value, unit, op, bound in checks:
        if value is None:
            continue
        met = value <= bound if op == "<=" else value >= bound
        verdict = "met" if met else "NOT met"
        out.append(f"- {what}: {value:.2f} {unit} (target {op} {bound}: {verdict})")
    return ["Targets:", "", *out] if out else []


def main(argv: list[str] | None = None) -> int:
    """Run the grid and print one line per case, then a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller grid")
    parser.add_argument("--ctgan", action="store_true", help="add CTGAN cases")
    parser.add_argument(
        "--device", default="cpu", help="device for the GAN: cpu (default) or cuda"
    )
    parser.add_argument(
        "--autograd",
        action="store_true",
        help="CPU steps through autograd instead of the hand-written gradients "
        "(the training step before they existed), for comparison",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per case; the fastest counts"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="CASE", help="run only these cases (names)"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    lines = [
        f"device: {args.device}; fastest of {args.repeat} run(s) per case"
        + ("; autograd steps" if args.autograd else ""),
        "",
        "| case | seconds | slowest | peak MB | GPU MB | steps/class | encoded cols "
        "| ms/step |",
        "|---|---|---|---|---|---|---|---|",
    ]
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    for name, spec in _grid(args.quick, args.ctgan, args.device, args.autograd):
        if args.only and name not in args.only:
            continue
        runs = [_run(spec) for _ in range(max(1, args.repeat))]
        failed = [r for r in runs if "error" in r]
        if failed:
            print(f"{name:28s} error: {failed[0]['error']}", flush=True)
            lines.append(f"| {name} | error | | | | | | |")
            continue
        result = min(runs, key=lambda r: r["seconds"])
        seconds[name] = result["seconds"]
        slowest = max(r["seconds"] for r in runs)
        per_step = 1000 * result["seconds"] / result["steps"] / spec["classes"]
        print(
            f"{name:28s} {result['seconds']:7.2f} s (slowest {slowest:6.2f})"
            f"  peak {result['peak_mb']:6.0f} MB"
            f"  GPU {result.get('gpu_mb', 0.0):6.0f} MB"
            f"  steps/class {result['steps']:6.0f}  encoded {result['encoded']}"
            f"  {per_step:.3f} ms/step/class",
            flush=True,
        )
        lines.append(
            f"| {name} | {result['seconds']:.2f} | {slowest:.2f} | "
            f"{result['peak_mb']:.0f} | "
            f"{result.get('gpu_mb', 0.0):.0f} | "
            f"{result['steps']:.0f} | {result['encoded']} | {per_step:.3f} |"
        )
    lines += ["", *_targets(seconds, args.device)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"\nall cases: {time.perf_counter() - started:.0f} s; table: "
        f"{args.out / 'speed.md'}"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
