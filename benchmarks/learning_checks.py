#!/usr/bin/env python
"""Does training learn?  Three checks of how training runs go, over seeds.

These used to be unit tests, but each asserted on where a training curve
happened to end after a short fit, which moves with the seed, the BLAS build
and the thread count (issue 14).  Here they run over several seeds and print
their numbers next to the margin each test used to assert, so a regression
shows as a column of failures rather than a flaky test.

1. ``stacked``: classes trained together in one stacked network and each class
   trained alone reach their own data equally well (marginal distance to the
   class's rows, against the distance between classes).
2. ``manual``: a whole run of the hand-written training step and one of the
   autograd step learn the same distribution (their float rounding makes the
   trajectories drift, so only the end result can be compared).
3. ``defaults``: ``GANOverSampler()`` at its defaults, on a mixed table whose
   minority is shifted in salary, puts its synthetic rows near the minority.

Examples
--------
::

    python benchmarks/learning_checks.py
    python benchmarks/learning_checks.py --seeds 10 --checks defaults
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # gan_oversampler from a checkout
    sys.path.append(str(HERE.parent))

from gan_oversampler import GANOverSampler, _training  # noqa: E402
from gan_oversampler._networks import Generator  # noqa: E402
from gan_oversampler._spans import Span  # noqa: E402
from gan_oversampler._training import marginal_distance, train_gans  # noqa: E402
from gan_oversampler._training_plan import TrainingConfig  # noqa: E402

CPU = torch.device("cpu")


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ----------------------------------------------------------------------------
# 1. stacked vs alone
# ----------------------------------------------------------------------------

STACKED_SPANS = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 2, "numeric"),
    Span(2, 2, 5, "categorical"),
]
STACKED_CONFIG = TrainingConfig(8, (32, 32), (32, 16), 200, 32, 1e-3, "bce")


def _stacked_rows(n: int, shift: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    numeric = np.clip(rng.normal(shift, 0.2, size=(n, 2)), -1, 1)
    one_hot = np.eye(3)[rng.integers(0, 3, n)]
    return np.hstack([numeric, one_hot]).astype(np.float32)


def check_stacked(seed: int) -> dict[str, float]:
    """Worst class: |together - alone| and together / nearest other class."""
    classes = [
        _stacked_rows(128, 0.5, seed * 10 + 1),
        _stacked_rows(96, -0.5, seed * 10 + 2),
        _stacked_rows(64, 0.0, seed * 10 + 4),
    ]
    together = train_gans(
        classes, STACKED_SPANS, STACKED_CONFIG, device=CPU, generator=_gen(seed)
    )
    gap, ratio = 0.0, 0.0
    for k, rows in enumerate(classes):
        ((alone, _),) = train_gans(
            [rows],
            STACKED_SPANS,
            STACKED_CONFIG,
            device=CPU,
            generator=_gen(seed * 100 + k + 10),
        )
        real = torch.as_tensor(rows)
        noise = torch.randn((len(rows), 8), generator=_gen(5))
        with torch.no_grad():
            d_together = marginal_distance(real, together[k][0](noise, _gen(1))).item()
            d_alone = marginal_distance(real, alone(noise, _gen(1))).item()
        d_others = min(
            marginal_distance(real[:64], torch.as_tensor(other[:64])).item()
            for j, other in enumerate(classes)
            if j != k
        )
        gap = max(gap, abs(d_together - d_alone))
        ratio = max(ratio, d_together / d_others)
    return {"max |together-alone|": gap, "max together/others": ratio}


STACKED_LIMITS = {"max |together-alone|": 0.06, "max together/others": 0.5}


# ----------------------------------------------------------------------------
# 2. manual step vs autograd over a whole run
# ----------------------------------------------------------------------------

MIXED_SPANS = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 4, "categorical"),
    Span(2, 4, 5, "numeric"),
    Span(3, 5, 7, "missing"),
    Span(4, 7, 12, "categorical"),
]
MANUAL_CONFIG = TrainingConfig(8, (32, 32), (32, 16), 150, 64, 1e-3, "bce")


def _mixed_rows(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = np.zeros((n, 12), dtype=np.float32)
    rows[:, 0] = np.clip(rng.normal(0.5, 0.15, n), -1, 1)
    rows[:, 4] = np.clip(rng.normal(-0.4, 0.2, n), -1, 1)
    for span, probs in (
        (MIXED_SPANS[1], [0.7, 0.2, 0.1]),
        (MIXED_SPANS[4], [0.5] + [0.125] * 4),
    ):
        width = span.stop - span.start
        rows[:, span.start : span.stop] = np.eye(width)[rng.choice(width, n, p=probs)]
    rows[:, 5] = 1.0  # the missing-value indicator: always observed
    return rows


def check_manual(seed: int) -> dict[str, float]:
    """Distances of both steps' generators, relative to an untrained one."""
    rows = _mixed_rows(400, seed)
    real = torch.from_numpy(rows)
    distances = {}
    for manual in (True, False):
        config = dataclasses.replace(
            MANUAL_CONFIG, step="manual" if manual else "autograd"
        )
        ((net, _),) = train_gans(
            [rows], MIXED_SPANS, config, device=CPU, generator=_gen(seed + 3)
        )
        fake = torch.from_numpy(_training.generate(net, len(rows), generator=_gen(1)))
        distances[manual] = float(marginal_distance(real, fake))
    untrained = Generator(8, (32, 32), MIXED_SPANS, device=CPU, generator=_gen(seed))
    with torch.no_grad():
        noise = torch.randn((len(rows), 8), generator=_gen(1))
        baseline = float(marginal_distance(real, untrained(noise)))
    return {
        "|manual-autograd|": abs(distances[True] - distances[False]),
        "worst / untrained": max(distances.values()) / baseline,
    }


MANUAL_LIMITS = {"|manual-autograd|": 0.03, "worst / untrained": 1 / 3}


# ----------------------------------------------------------------------------
# 3. defaults on a mixed table
# ----------------------------------------------------------------------------


def _mixed_table(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    rare = rng.random(n) < 0.25
    X = pd.DataFrame(
        {
            "age": rng.integers(20, 65, n) + rare * 5,
            "salary": rng.normal(50_000, 8_000, n) + rare * 9_000.0,
            "subject": pd.Categorical(rng.choice(["math", "art", "pe"], n)),
            "coach": rng.random(n) < 0.3 + 0.4 * rare,
        }
    )
    return X, pd.Series(np.where(rare, "rare", "common"), name="label")


def check_defaults(seed: int) -> dict[str, float]:
    """Salary: synthetic-mean gap over the class gap, and spread ratio."""
    X, y = _mixed_table(800, seed)
    X_res, _ = GANOverSampler(random_state=seed).fit_resample(X, y)
    synth = X_res.iloc[len(X) :]["salary"]
    rare, common = X.loc[y == "rare", "salary"], X.loc[y == "common", "salary"]
    return {
        "mean gap / class gap": abs(synth.mean() - rare.mean())
        / abs(common.mean() - rare.mean()),
        "std / real std": synth.std() / rare.std(),
    }


DEFAULTS_LIMITS = {"mean gap / class gap": ("<", 1.0), "std / real std": (">", 0.3)}

CHECKS = {
    "stacked": (check_stacked, {k: ("<", v) for k, v in STACKED_LIMITS.items()}),
    "manual": (check_manual, {k: ("<", v) for k, v in MANUAL_LIMITS.items()}),
    "defaults": (check_defaults, DEFAULTS_LIMITS),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument(
        "--checks", nargs="+", choices=list(CHECKS), default=list(CHECKS)
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    failures = 0
    for name in args.checks:
        check, limits = CHECKS[name]
        rows = []
        for seed in range(args.seeds):
            start = time.perf_counter()
            result = check(seed)
            ok = all(
                result[k] < v if op == "<" else result[k] > v
                for k, (op, v) in limits.items()
            )
            failures += not ok
            rows.append(
                {"seed": seed, **result, "ok": ok, "s": time.perf_counter() - start}
            )
        frame = pd.DataFrame(rows)
        margins = ", ".join(f"{k} {op} {v:.3g}" for k, (op, v) in limits.items())
        print(f"\n{name}: {check.__doc__}\nmargins: {margins}")
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\n{failures} seed(s) outside a margin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
