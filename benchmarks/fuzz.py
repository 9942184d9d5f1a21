#!/usr/bin/env python
"""Throw random tables at GANOverSampler and count what happens.

Each table is drawn from its own NumPy generator (``default_rng([seed, i])``),
so table ``i`` of a run can be replayed alone with ``--only i``.  Tables mix
every supported column dtype (NumPy integers and floats, pandas nullable
``Int64`` / ``Float64`` / ``boolean`` / ``string``, pandas ``str``, ordered and
unordered categoricals with unused categories, object strings, bools) with
constant and per-class-constant columns, heavy tails, huge and tiny
magnitudes, duplicated rows, 2 to 4 classes (minorities of 1, 2, 3, 5 ... rows)
and random sampler settings (1 or 2 epochs, tiny networks).  A few tables are
deliberately bad (dates, durations, complex numbers, infinities, missing values
with ``missing="error"``, sparse matrices, mixed-type columns, duplicated or
mixed-type column names, a length mismatch, a single class).

Every fit ends in one of:

* **ok**: it succeeded and every invariant holds (originals first and
  unchanged, exactly ``sampling_strategy_[label]`` rows per class, container,
  columns and dtypes kept, numbers in the class's range, integers integral,
  categories seen in the class, missing values only where the class has them,
  the input not mutated, ``sample()`` valid, same seed same output);
* **expected error**: a documented error (type and message prefix) that the
  table's defects allow;
* **unexpected**: any other exception (a traceback of each kind is printed);
* **violation**: it succeeded but broke an invariant (each one is listed).

Examples
--------
::

    python benchmarks/fuzz.py --n-tables 300 --seed 0
    python benchmarks/fuzz.py --n-tables 2000 --seed 0 --no-extreme
    python benchmarks/fuzz.py --seed 0 --only 137       # replay one table

The exit code is 1 when there is any unexpected exception or violation.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

# The column catalogue is shared with the property tests (tests/_helpers.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _helpers import (
    FLOAT_DTYPES,
    INT_DTYPES,
    KINDS,
    MISSING_MARKER,
)

#: Documented errors: key, exception type name, regular expression on the
#: message. The key is what a table's defects may allow.
DOCUMENTED = [
    ("sparse", "TypeError", r"GANOverSampler does not accept sparse input"),
    ("dates", "TypeError", r"Column .* holds dates"),
    ("durations", "TypeError", r"Column .* holds durations"),
    ("complex", "TypeError", r"Column .* holds complex numbers"),
    ("missing", "ValueError", r"X contains missing values"),
    ("inf", "ValueError", r"X contains infinite values"),
    ("small-class", "ValueError", r"Class .* has \d+ row\(s\), fewer than"),
    ("encoding", "ValueError", r"Encoding X failed"),
    ("not-numeric", "ValueError", r"Column .* is not numeric and is not declared"),
    ("duplicate-names", "DuplicateError", r"Expected unique column names"),
    ("mixed-names", "TypeError", r"Feature names are only supported if all"),
    ("length", "ValueError", r"Found input variables with inconsistent numbers"),
    ("single-class", "ValueError", r"The target 'y' needs to have more than 1 class"),
    ("diverged", "TrainingFailedError", r"Training the GAN for class .* diverged"),
    (
        "non-finite-transform",
        "ValueError",
        r"numeric_transformer .* gave (non-finite values|values spanning a range)",
    ),
]


def classify(exc: BaseException) -> str | None:
    """The documented key of an exception, or None.

    An exception matches a documented type when it is one or a subclass of one
    (an ``AdvisedValueError`` is a ``ValueError``).
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    for key, type_name, pattern in DOCUMENTED:
        if type_name in names and re.match(pattern, str(exc)):
            return key
    return None


# ------------------------------------------------------------------- tables
@dataclass
class Table:
    """One fuzz case: data, sampler settings and what may go wrong."""

    X: object
    y: object
    params: dict
    allowed: set = field(default_factory=set)
    notes: list = field(default_factory=list)
    has_missing: bool = False


def _numbers(kind, n, rng, magnitude, heavy):
    base = rng.standard_cauchy(n) if heavy else rng.normal(size=n)
    if kind in INT_DTYPES or kind == "Int64":
        info = np.iinfo(kind.lower())
        if magnitude == "extreme":
            # Values near one of the dtype's limits (beyond float64's integers).
            low, high = int(info.min), int(info.max)
            offsets = rng.integers(0, min(1000, high - low), n).tolist()
            if heavy:
                return np.array([low + o for o in offsets], dtype=object)
            return np.array([high - o for o in offsets], dtype=object)
        scale = {"unit": 100.0, "huge": 1e9, "tiny": 3.0}[magnitude]
        values = np.round(base * scale)
        if info.min == 0:
            values = np.abs(values)
        return np.clip(values, max(info.min, -(2**53)), min(info.max, 2**53))
    scale = {"unit": 1.0, "huge": 1e9, "tiny": 1e-9, "extreme": 1e300}[magnitude]
    values = base * scale + rng.normal() * scale
    if kind == "float16":
        values = np.clip(values, -6e4, 6e4)
    elif kind in ("float32",) and magnitude == "extreme":
        values = np.clip(values, -3e38, 3e38)
    return np.nan_to_num(values, posinf=1e308, neginf=-1e308)


def _levels(n_levels, n_unused, int_levels):
    total = n_levels + n_unused
    if int_levels:
        return [10 * i - 7 for i in range(total)]
    return [f"lv{i}" for i in range(total)]


def make_column(kind, y, rng, extreme_ok):
    """A column of ``len(y)`` values of ``kind`` and whether it is extreme."""
    n = len(y)
    magnitudes = ["unit", "unit", "huge", "tiny"]
    if extreme_ok and rng.random() < 0.05:
        magnitudes = ["extreme"]
    magnitude = str(rng.choice(magnitudes))
    heavy = bool(rng.random() < 0.4)
    n_levels, n_unused = int(rng.integers(1, 6)), int(rng.integers(0, 3))
    if rng.random() < 0.1:  # beyond the default cap of 50 one-hot columns
        n_levels = int(rng.integers(40, 90))
    int_levels = bool(rng.random() < 0.3)
    if kind in INT_DTYPES + FLOAT_DTYPES + ("Int64", "Float64"):
        values = _numbers(kind, n, rng, magnitude, heavy)
    elif kind in ("bool", "boolean"):
        values = rng.random(n) < rng.uniform(0.1, 0.9)
    else:
        levels = _levels(n_levels, n_unused, int_levels)[:n_levels]
        values = np.array(levels, dtype=object)[rng.integers(n_levels, size=n)]
    shape = rng.choice(["random", "random", "random", "constant", "class-constant"])
    values = values.copy()
    if shape == "constant":
        values[:] = values[0]
    elif shape == "class-constant":
        for label in pd.unique(y):
            in_class = y == label
            values[in_class] = values[np.flatnonzero(in_class)[0]]

    if kind in INT_DTYPES + FLOAT_DTYPES or kind == "bool":
        column = pd.Series(values.astype(kind))
    elif kind == "Int64":
        column = pd.Series(pd.array(list(values), dtype="Int64"))
    elif kind in ("Float64", "boolean"):
        column = pd.Series(pd.array(values, dtype=kind))
    elif kind in ("string", "str"):
        column = pd.Series(values.astype(str), dtype=kind)
    elif kind == "object":
        column = pd.Series(values.astype(str), dtype=object)
    else:
        column = pd.Series(
            pd.Categorical(
                values,
                categories=_levels(n_levels, n_unused, int_levels),
                ordered=kind == "ordered",
            )
        )
    return column, magnitude == "extreme"


STRATEGIES = ["auto", "auto", "all", "not majority", "not minority", "minority"]


def make_table(rng: np.random.Generator, extreme_ok: bool) -> Table:
    """Draw one table, its labels and sampler settings."""
    k = int(rng.integers(2, 5))
    majority = int(rng.integers(10, 121))
    minority = [1, 2, 3, 5, 8, 10, 15, 30, 60]
    sizes = [majority] + [
        min(majority, int(rng.choice(minority))) for _ in range(k - 1)
    ]
    style = rng.choice(
        ["int", "str", "negative", "float"] + (["bool"] if k == 2 else [])
    )
    labels = {
        "int": list(range(k)),
        "str": [f"class {chr(97 + i)}" for i in range(k)],
        "negative": [-2 * i - 1 for i in range(k)],
        "float": [float(2 * i) for i in range(k)],
        "bool": [False, True],
    }[style]
    y = np.repeat(np.array(labels, dtype=object), sizes)[rng.permutation(sum(sizes))]
    y = y.astype(type(labels[0]) if style != "str" else str)
    n = len(y)

    params = {
        "epochs": int(rng.integers(1, 3)),
        "batch_size": int(rng.choice([8, 16, 32, 64])),
        "latent_dim": int(rng.integers(2, 17)),
        "generator_hidden": int(rng.choice([8, 16, 32])),
        "discriminator_hidden": int(rng.choice([8, 16, 32])),
        "loss": str(rng.choice(["bce", "bce", "wgan-gp"])),
        "numeric_transformer": rng.choice([None, "minmax", "standard", "quantile"]),
        "min_class_size": int(rng.choice([2, 3, 5, 10, 12])),
        "small_class": str(rng.choice(["random", "interpolate", "random", "error"])),
        "n_generators": int(rng.choice([1, 1, 2, 3])),
        "sampling_strategy": str(rng.choice(STRATEGIES)),
        "missing": "error",
        "random_state": int(rng.integers(0, 2**31 - 1)),
        "device": "cpu",
    }
    table = Table(None, None, params)

    n_columns = int(rng.integers(1, 8))
    kinds = [str(rng.choice(KINDS)) for _ in range(n_columns)]
    columns = {}
    for j, kind in enumerate(kinds):
        column, extreme = make_column(kind, y, rng, extreme_ok)
        if extreme:
            table.notes.append(f"extreme {kind}")
            if kind in (*FLOAT_DTYPES, "Float64"):
                # Values near float64's limits: a scaler may overflow ("standard"
                # variance), or the GAN may diverge on what it is given.
                table.allowed.update(("diverged", "non-finite-transform"))
        rate = 0.0
        if kind in MISSING_MARKER and rng.random() < 0.25:
            rate = float(rng.choice([0.05, 0.3, 1.0]))
            column = column.copy()
            column[rng.random(n) < rate] = MISSING_MARKER[kind]
        if column.isna().any():
            table.has_missing = True
            table.notes.append(f"gaps in {kind}")
        columns[f"c{j}_{kind}"] = column
    X = pd.DataFrame(columns)
    if table.has_missing:  # mostly model the gaps, sometimes expect the error
        params["missing"] = "model" if rng.random() < 0.85 else "error"
    else:
        params["missing"] = str(rng.choice(["error", "model"]))
    form = rng.choice(["auto"] * 6 + ["names", "indices", "mask", "plus-int", "none"])
    if rng.random() < 0.2:
        source = np.arange(n)
        for i in np.flatnonzero(rng.random(n) < 0.3):
            source[i] = rng.choice(np.flatnonzero(y == y[i]))
        X = X.iloc[source].reset_index(drop=True)
        table.notes.append("duplicates")
    if table.has_missing and params["missing"] == "error":
        table.allowed.add("missing")
    X.index = pd.RangeIndex(100, 100 + n) if rng.random() < 0.5 else X.index

    # A few deliberately bad tables.
    defect = rng.choice(
        [
            None,
            "dates",
            "durations",
            "complex",
            "inf",
            "sparse",
            "encoding",
            "duplicate-names",
            "mixed-names",
            "length",
            "single-class",
        ],
        p=[0.84] + [0.016] * 10,
    )
    if defect is not None:
        table.allowed.add(str(defect))
        table.notes.append(f"defect {defect}")
    if defect == "dates":
        X["when"] = pd.date_range("2020-01-01", periods=n, freq="h")
    elif defect == "durations":
        X["took"] = pd.to_timedelta(rng.integers(0, 100, n), unit="s")
    elif defect == "complex":
        X["z"] = rng.normal(size=n) + 1j
    elif defect == "inf":
        X["inf"] = np.where(rng.random(n) < 0.1, np.inf, rng.normal(size=n))
        table.allowed.add("inf")
    elif defect == "encoding":
        X["mixed"] = pd.Series(
            [1 if i % 3 else "one" for i in range(n)], dtype=object, index=X.index
        )
    elif defect == "duplicate-names":
        X = pd.concat([X, X.iloc[:, :1]], axis=1)
    elif defect == "mixed-names":
        X[0] = rng.normal(size=n)
    elif defect == "single-class":
        y = np.full(n, y[0])
    if defect == "sparse":
        X = sparse.csr_matrix(rng.normal(size=(n, 3)))
    elif defect is None and rng.random() < 0.15:
        # Numeric NumPy array (or list) input instead of a DataFrame.
        dtype = str(rng.choice(["int16", "int64", "float16", "float32", "float64"]))
        X = np.column_stack(
            [
                make_column(dtype, y, rng, extreme_ok=False)[0].to_numpy()
                for _ in range(int(rng.integers(1, 4)))
            ]
        )
        if rng.random() < 0.3:
            X = X.tolist()
            table.notes.append("list")
        table.allowed.discard("missing")
        table.has_missing = False

    if isinstance(X, pd.DataFrame) and defect is None:
        # categorical_features: auto, or the same columns spelled out, or with an
        # integer column added, or None (then non-numeric columns are an error).
        auto = [c for c in X.columns if not _is_numeric(X[c])]
        ints = [c for c in X.columns if pd.api.types.is_integer_dtype(X[c].dtype)]
        if form == "names":
            params["categorical_features"] = auto
        elif form == "indices":
            params["categorical_features"] = [X.columns.get_loc(c) for c in auto]
        elif form == "mask":
            params["categorical_features"] = [c in auto for c in X.columns]
        elif form == "plus-int" and ints:
            params["categorical_features"] = auto + ints[:1]
            table.notes.append(f"{ints[0]} declared categorical")
        elif form == "none":
            params["categorical_features"] = None
            table.notes.append("categorical_features=None")
            if auto:
                table.allowed.add("not-numeric")
    if params["small_class"] == "error" and min(sizes) < params["min_class_size"]:
        table.allowed.add("small-class")

    y_container = rng.choice(["ndarray", "series", "list"])
    if y_container == "series":
        index = X.index if isinstance(X, pd.DataFrame) else None
        y = pd.Series(y, name="target", index=index)
    elif y_container == "list":
        y = y.tolist()
    if defect == "length":
        y = y[:-1]
    table.X, table.y = X, y
    return table


# --------------------------------------------------------------- invariants
def _as_frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X.reset_index(drop=True)
    return pd.DataFrame(np.asarray(X))


def _is_numeric(column: pd.Series) -> bool:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return True
    return pd.api.types.is_object_dtype(dtype) and all(
        isinstance(v, Real) and not isinstance(v, bool | np.bool_)
        for v in column.dropna()
    )


def _slack(dtype, bound) -> float:
    if dtype == np.float16:
        return float(np.spacing(np.float16(abs(bound))))
    return 0.0


def check_column(real, synth, where, missing_model, problems):
    real_missing, synth_missing = real.isna(), synth.isna()
    if synth_missing.any():
        if not missing_model:
            problems.append(f"{where}: missing values generated")
        elif not real_missing.any():
            problems.append(f"{where}: missing values where the class has none")
    real, synth = real[~real_missing], synth[~synth_missing]
    if synth.empty:
        return
    if real.empty:
        problems.append(f"{where}: values generated in an all-missing column")
        return
    if _is_numeric(real):
        values = synth.to_numpy(dtype=np.float64)
        low, high = float(real.min()), float(real.max())
        if not np.isfinite(values).all():
            problems.append(f"{where}: non-finite values")
        elif values.min() < low - _slack(
            real.dtype, low
        ) or values.max() > high + _slack(real.dtype, high):
            problems.append(
                f"{where}: values [{values.min()!r}, {values.max()!r}] outside the "
                f"class range [{low!r}, {high!r}]"
            )
        # Exact integers (float64 would round beyond 2**53).
        if pd.api.types.is_integer_dtype(real.dtype):
            s_min, s_max = synth.min(), synth.max()
            if s_min < real.min() or s_max > real.max():
                problems.append(
                    f"{where}: integers [{s_min}, {s_max}] outside the class range "
                    f"[{real.min()}, {real.max()}]"
                )
        elif real.dtype == object and not np.array_equal(values, np.round(values)):
            if all(isinstance(v, int | np.integer) for v in real):
                problems.append(f"{where}: non-integral values in an integer column")
    else:
        unseen = set(synth.tolist()) - set(real.tolist())
        if unseen:
            problems.append(f"{where}: categories {sorted(map(repr, unseen))} unseen")


def check_result(table: Table, sampler, X_res, y_res) -> list[str]:
    """Every invariant of a successful fit_resample; returns the problems."""
    problems = []
    X, y = table.X, table.y
    missing_model = table.params["missing"] == "model"
    if type(X_res) is not type(X):
        problems.append(f"X container {type(X_res).__name__} != {type(X).__name__}")
        return problems
    if type(y_res) is not type(y):
        problems.append(f"y container {type(y_res).__name__} != {type(y).__name__}")
    if isinstance(y, pd.Series) and (y_res.name != y.name or y_res.dtype != y.dtype):
        problems.append("y name or dtype changed")
    real, res = _as_frame(X), _as_frame(X_res)
    n = len(real)
    if isinstance(X, np.ndarray) and X_res.dtype != X.dtype:
        problems.append(f"array dtype {X_res.dtype} != {X.dtype}")
    if list(res.columns) != list(real.columns):
        return [*problems, "columns changed"]
    for col in real.columns:
        if res[col].dtype != real[col].dtype:
            problems.append(
                f"column {col!r}: dtype {res[col].dtype} != {real[col].dtype}"
            )
    if isinstance(X_res, pd.DataFrame) and not X_res.index.equals(
        pd.RangeIndex(len(X_res))
    ):
        problems.append("output index is not a fresh RangeIndex")
    try:
        pd.testing.assert_frame_equal(res.iloc[:n], real, check_exact=True)
    except AssertionError as exc:
        problems.append(f"original rows changed: {str(exc).splitlines()[0]}")
    y_arr, y_res_arr = np.asarray(y), np.asarray(y_res)
    if y_res_arr[:n].tolist() != y_arr.tolist():
        problems.append("original labels changed")
    strategy = sampler.sampling_strategy_
    order = [lab for lab, k in strategy.items() for _ in range(k)]
    if len(res) != n + len(order) or y_res_arr[n:].tolist() != order:
        problems.append(
            f"synthetic labels {Counter(y_res_arr[n:].tolist())} != {dict(strategy)}"
        )
        return problems
    synth_all = res.iloc[n:]
    for label, k in strategy.items():
        if not k:
            continue
        real_c = real[y_arr == label]
        synth_c = synth_all[y_res_arr[n:] == label]
        for col in real.columns:
            where = f"class {label!r}, column {col!r}"
            check_column(real_c[col], synth_c[col], where, missing_model, problems)
    return problems


def check_sample(table: Table, sampler, rng) -> list[str]:
    labels = [*sampler.generators_, *sampler._fallback_rows]
    if not labels:
        return []
    label = labels[int(rng.integers(len(labels)))]
    rows = sampler.sample(4, label)
    problems = []
    real, got = _as_frame(table.X), _as_frame(rows)
    if len(got) != 4 or list(got.columns) != list(real.columns):
        return ["sample(): wrong shape or columns"]
    for col in real.columns:
        if got[col].dtype != real[col].dtype:
            problems.append(f"sample(): column {col!r} dtype {got[col].dtype}")
    real_c = real[np.asarray(table.y) == label]
    missing_model = table.params["missing"] == "model"
    for col in real.columns:
        where = f"sample() class {label!r}, column {col!r}"
        check_column(real_c[col], got[col], where, missing_model, problems)
    return problems


def _copy(obj):
    if isinstance(obj, pd.DataFrame | pd.Series):
        return obj.copy(deep=True)
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, list):
        return [list(r) if isinstance(r, list) else r for r in obj]
    return obj.copy()


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        return a.equals(b) and a.dtypes.equals(b.dtypes) and a.index.equals(b.index)
    if isinstance(a, pd.Series):
        return a.equals(b) and a.index.equals(b.index)
    if sparse.issparse(a):
        return (a != b).nnz == 0
    return pd.DataFrame(np.asarray(a, dtype=object)).equals(
        pd.DataFrame(np.asarray(b, dtype=object))
    )


# ---------------------------------------------------------------------- run
@dataclass
class Tally:
    ok: int = 0
    expected: Counter = field(default_factory=Counter)
    unexpected: dict = field(default_factory=lambda: defaultdict(list))
    violations: dict = field(default_factory=lambda: defaultdict(list))
    warnings: Counter = field(default_factory=Counter)


def _signature(message: str) -> str:
    """A message with numbers and quoted names blanked, to group problems."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    return re.sub(r"-?\d[\d.e+-]*", "N", message)[:140]


def run_one(i: int, seed: int, extreme_ok: bool, tally: Tally, verbose: bool) -> None:
    from gan_oversampler import GANOverSampler, SmallClassWarning

    rng = np.random.default_rng([seed, i])
    table = make_table(rng, extreme_ok)
    X_before, y_before = _copy(table.X), _copy(table.y)
    sampler = GANOverSampler(**table.params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            X_res, y_res = sampler.fit_resample(table.X, table.y)
        except Exception as exc:  # classifying them is the point
            key = classify(exc)
            if key is not None and key in table.allowed:
                tally.expected[f"{type(exc).__name__}: {key}"] += 1
            else:
                what = "undocumented" if key is None else f"not allowed here ({key})"
                group = f"{type(exc).__name__} [{what}]: {_signature(str(exc))}"
                tally.unexpected[group].append((i, traceback.format_exc(), table.notes))
            result = None
        else:
            result = X_res, y_res
    for w in caught:
        if not issubclass(w.category, SmallClassWarning | DeprecationWarning):
            tally.warnings[f"{w.category.__name__}: {_signature(str(w.message))}"] += 1

    problems = []
    if not (_same(table.X, X_before) and _same(table.y, y_before)):
        problems.append("the caller's X or y was modified")
    if result is not None:
        try:
            problems += check_result(table, sampler, *result)
            problems += check_sample(table, sampler, rng)
            if i % 10 == 0:  # same seed, same output
                again = GANOverSampler(**table.params)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    X2, y2 = again.fit_resample(table.X, table.y)
                if not (_same(X2, result[0]) and _same(y2, result[1])):
                    problems.append("same random_state, different output")
        except Exception as exc:
            group = f"{type(exc).__name__} [after fit]: {_signature(str(exc))}"
            tally.unexpected[group].append((i, traceback.format_exc(), table.notes))
            return
    for problem in problems:
        tally.violations[_signature(problem)].append((i, problem, table.notes))
    if result is not None and not problems:
        tally.ok += 1
    if verbose:
        print(f"table {i}: {table.notes} params={table.params} problems={problems}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-tables", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, nargs="*", help="replay these tables")
    parser.add_argument(
        "--no-extreme",
        action="store_true",
        help="no integers beyond 2**53 nor floats near 1e300",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    tally = Tally()
    indices = args.only if args.only else range(args.n_tables)
    start = time.perf_counter()
    for count, i in enumerate(indices, 1):
        run_one(i, args.seed, not args.no_extreme, tally, args.verbose)
        if count % 100 == 0:
            print(f"  {count} tables, {time.perf_counter() - start:.0f} s", flush=True)
    elapsed = time.perf_counter() - start

    n_unexpected = sum(len(v) for v in tally.unexpected.values())
    # A table with several broken invariants counts once in the summary.
    n_violations = len({c[0] for v in tally.violations.values() for c in v})
    n_expected = sum(tally.expected.values())
    if tally.expected:
        print("\nexpected errors:")
        for key, k in tally.expected.most_common():
            print(f"  {k:5d}  {key}")
    if tally.warnings:
        print("\nwarnings (not failures):")
        for key, k in tally.warnings.most_common(10):
            print(f"  {k:5d}  {key}")
    if tally.unexpected:
        print("\nUNEXPECTED exceptions:")
        for group, cases in tally.unexpected.items():
            i, tb, notes = cases[0]
            tables = ", ".join(str(c[0]) for c in cases[:10])
            print(f"\n  {len(cases)} x {group}\n  tables: {tables}  (first: {notes})")
            print("    " + tb.strip().replace("\n", "\n    ")[-3000:])
    if tally.violations:
        print("\nINVARIANT VIOLATIONS (problem, then up to 10 tables):")
        for cases in tally.violations.values():
            tables = ", ".join(str(c[0]) for c in cases[:10])
            print(
                f"  {len(cases)} x {cases[0][1]}\n      tables: {tables}  {cases[0][2]}"
            )
    print(
        f"\nfuzz: {len(indices)} tables, {tally.ok} ok, {n_expected} expected errors, "
        f"{n_unexpected} unexpected, {n_violations} violations ({elapsed:.0f} s)"
    )
    return 1 if n_unexpected or n_violations else 0


if __name__ == "__main__":
    sys.exit(main())
