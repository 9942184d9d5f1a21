#!/usr/bin/env python
"""Prove that a refactoring leaves every output byte-identical.

``record DIR`` fits ``GANOverSampler`` on several tables with several settings
and writes, per case, a fingerprint of everything a user can observe: the
resampled table (values, dtypes, categories, index), the labels, two
consecutive ``sample`` calls, the training history, and the bytes of the
``save`` file.  Run it on the commit before a change and on the commit after,
then ``compare BEFORE AFTER`` lists every case that differs (exit status 1).

Examples
--------
::

    git stash; python benchmarks/identity.py record /tmp/before; git stash pop
    python benchmarks/identity.py record /tmp/after
    python benchmarks/identity.py compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # gan_oversampler from a checkout
    sys.path.append(str(HERE.parent))

from gan_oversampler import GANOverSampler  # noqa: E402
from gan_oversampler.datasets import make_teachers  # noqa: E402


def _mixed(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Every supported column kind, a few missing values, three classes."""
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b", "c"], n, p=[0.7, 0.2, 0.1])
    X = pd.DataFrame(
        {
            "i8": rng.integers(-5, 5, n).astype("int8"),
            "u16": rng.integers(0, 900, n).astype("uint16"),
            "f32": rng.normal(size=n).astype("float32"),
            "f64": rng.lognormal(size=n),
            "Int64": pd.array(rng.integers(0, 40, n), dtype="Int64"),
            "cat": pd.Categorical(rng.choice(["x", "y", "z"], n)),
            "obj": np.array(rng.choice(["p", "q"], n), dtype=object),
            "str": pd.array(rng.choice(["s", "t", "u"], n), dtype="string"),
            "flag": rng.random(n) < 0.4,
        },
        index=pd.RangeIndex(10, 10 + n),
    )
    return X, pd.Series(y, name="label", index=X.index)


def _with_missing(seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    X, y = _mixed(240, seed)
    rng = np.random.default_rng(seed)
    X.loc[rng.random(len(X)) < 0.1, "f64"] = np.nan
    X["Int64"] = X["Int64"].mask(rng.random(len(X)) < 0.1)
    return X, y


def _numeric(seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(260, 6))
    y = np.r_[np.zeros(200, int), np.ones(60, int)]
    X[y == 1] += 0.7
    return X, y


def _teachers(seed: int = 3):
    return make_teachers(400, male_fraction=0.15, random_state=seed)


FAST = {"epochs": 30}
CASES = {
    "teachers defaults": (_teachers, {}),
    "teachers early stopping": (_teachers, {"epochs": 300, "early_stopping": True}),
    "mixed three classes": (_mixed, FAST),
    "mixed wgan-gp": (_mixed, {**FAST, "loss": "wgan-gp"}),
    "mixed minmax": (_mixed, {**FAST, "numeric_transformer": "minmax"}),
    "mixed strategy dict": (_mixed, {**FAST, "sampling_strategy": {"c": 150}}),
    "missing modelled": (_with_missing, {**FAST, "missing": "model"}),
    "numeric array": (_numeric, FAST),
    "numeric small batch": (_numeric, {**FAST, "batch_size": 16}),
}


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()[:16]


def _frame_bytes(frame) -> bytes:
    if isinstance(frame, np.ndarray):
        return frame.dtype.str.encode() + repr(frame.shape).encode() + frame.tobytes()
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    kinds = [str(d) for d in frame.dtypes]
    cats = [
        list(map(str, frame[c].cat.categories))
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
    ]
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    header = json.dumps([list(map(str, frame.columns)), kinds, cats]).encode()
    return header + values


def fingerprint(make, params: dict) -> dict[str, str]:
    """Digests of everything observable after one fit."""
    X, y = make()
    sampler = GANOverSampler(**{"random_state": 0, "device": "cpu", **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(X, y)
    out = {
        "X_res": _digest(_frame_bytes(X_res)),
        "y_res": _digest(_frame_bytes(np.asarray(y_res).astype(str))),
    }
    labels = [label for label, n in sampler.sampling_strategy_.items() if n > 0]
    for k in (1, 2):  # two consecutive draws
        out[f"sample {k}"] = _digest(_frame_bytes(sampler.sample(25, labels[0])))
    out["history"] = _digest(
        *(
            _frame_bytes(sampler.history_[label].to_frame())
            for label in labels
            if label in sampler.history_
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pt"
        sampler.save(path)
        out["save file"] = _digest(path.read_bytes())
    return out


def record(folder: Path, overrides: dict | None = None) -> None:
    torch.set_num_threads(1)
    folder.mkdir(parents=True, exist_ok=True)
    result = {}
    for name, (make, params) in CASES.items():
        result[name] = fingerprint(make, {**params, **(overrides or {})})
        print(f"{name}: {result[name]}", flush=True)
    (folder / "identity.json").write_text(json.dumps(result, indent=2) + "\n")


def compare(before: Path, after: Path) -> int:
    a = json.loads((before / "identity.json").read_text())
    b = json.loads((after / "identity.json").read_text())
    differing = 0
    for case in sorted(set(a) | set(b)):
        left, right = a.get(case, {}), b.get(case, {})
        keys = sorted(set(left) | set(right))
        bad = [k for k in keys if left.get(k) != right.get(k)]
        differing += bool(bad)
        print(f"{'DIFFERS' if bad else 'same   '} {case}" + (f": {bad}" if bad else ""))
    n = len(set(a) | set(b))
    print(f"{n - differing} of {n} cases identical")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="write DIR/identity.json")
    rec.add_argument("folder", type=Path)
    rec.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a GANOverSampler parameter for every case (VALUE a Python literal), "
        "to compare a new parameter's setting with the code before it existed",
    )
    cmp_ = commands.add_parser("compare", help="compare two recordings")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        overrides = {}
        for item in args.set:
            key, _, value = item.partition("=")
            overrides[key] = ast.literal_eval(value)
        record(args.folder, overrides)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
