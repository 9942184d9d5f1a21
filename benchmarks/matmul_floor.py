"""How fast can twenty stacked classes train at best? A floor from the matmuls.

``speed.py`` times 1, 5 and 20 minority classes of 200 rows x 10 columns.
Twenty stacked classes do twenty times the matrix products of one; everything
else in a step (random draws, elementwise operations, Python) costs at least
as much as for one class. So, per step::

    time(20) >= time(1) + matmul(20) - matmul(1)

This script records the matrix products of one training step for 1 and for
20 classes (shapes and counts, with the torch profiler), replays each product
alone in a loop to time it, times a one-class fit, and prints the resulting
floor on time(20) / time(1): the best ratio any implementation of the same
arithmetic in float32 on this CPU could reach.

Run (the machine otherwise idle)::

    OMP_NUM_THREADS=1 python benchmarks/matmul_floor.py --threads 1
    OMP_NUM_THREADS=2 python benchmarks/matmul_floor.py --threads 2
"""

from __future__ import annotations

import argparse
import collections
import time

import numpy as np
import pandas as pd
import torch
from torch.profiler import ProfilerActivity, profile

from gan_oversampler import GANOverSampler

_PRODUCTS = ("aten::bmm", "aten::baddbmm")


def _data(n_classes: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The table of ``speed.py``'s classes cases."""
    rng = np.random.default_rng(0)
    parts = [np.zeros(2000, int)] + [np.full(200, c + 1) for c in range(n_classes)]
    y = np.concatenate(parts)
    values = rng.normal(size=(len(y), 10)) + 0.3 * y[:, None]
    return pd.DataFrame(values, columns=[f"x{i}" for i in range(10)]), y


def _products_per_step(n_classes: int) -> dict[tuple, float]:
    """Shapes ``(a, b)`` of the step's products ``a @ b``, and calls per step."""
    X, y = _data(n_classes)
    sampler = GANOverSampler(random_state=0, epochs=60)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        sampler.fit_resample(X, y)
    steps = sampler.history_[1].n_steps
    counts: collections.Counter = collections.Counter()
    for event in prof.events():
        if event.name in _PRODUCTS and event.input_shapes:
            shapes = event.input_shapes
            a, b = shapes[1:3] if event.name == "aten::baddbmm" else shapes[:2]
            counts[(tuple(a), tuple(b))] += 1
    # Products run once in a while (generation, evaluation) are left out.
    return {key: n / steps for key, n in counts.items() if n / steps >= 0.9}


def _replay_seconds(products: dict[tuple, float], repeat: int = 400) -> float:
    """Seconds per step of the products alone, each timed in a loop."""
    total = 0.0
    for (a, b), calls in products.items():
        left, right = torch.randn(*a), torch.randn(*b)
        out = torch.empty(a[0], a[1], b[2])
        for _ in range(30):
            torch.bmm(left, right, out=out)
        start = time.perf_counter()
        for _ in range(repeat):
            torch.bmm(left, right, out=out)
        total += (time.perf_counter() - start) / repeat * round(calls)
    return total


def _fit_seconds_per_step(n_classes: int, repeat: int) -> float:
    """Fastest ``fit_resample`` of ``n_classes`` classes, per training step."""
    X, y = _data(n_classes)
    best = float("inf")
    for _ in range(repeat):
        sampler = GANOverSampler(random_state=0)
        start = time.perf_counter()
        sampler.fit_resample(X, y)
        best = min(best, time.perf_counter() - start)
    return best / sampler.history_[1].n_steps


def main() -> None:
    """Print the products' time per step and the floor on the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--repeat", type=int, default=3, help="fits to time")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, y = _data(1)
    GANOverSampler(epochs=1, random_state=0).fit_resample(X, y)  # warm up

    one = _replay_seconds(_products_per_step(1))
    twenty = _replay_seconds(_products_per_step(20))
    step_one = _fit_seconds_per_step(1, args.repeat)
    step_twenty = _fit_seconds_per_step(20, args.repeat)
    floor = (step_one + twenty - one) / step_one
    print(f"torch threads: {args.threads}")
    print(f"matrix products per step, 1 class:    {1e3 * one:.3f} ms")
    print(f"matrix products per step, 20 classes: {1e3 * twenty:.3f} ms")
    print(f"fit_resample per step, 1 class:    {1e3 * step_one:.3f} ms")
    print(f"fit_resample per step, 20 classes: {1e3 * step_twenty:.3f} ms")
    print(f"20 classes / 1 class, measured:         {step_twenty / step_one:.2f} x")
    print(f"20 classes / 1 class, floor (products): {floor:.2f} x")


if __name__ == "__main__":
    main()
