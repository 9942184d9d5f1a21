"""Quality of synthetic rows measured against real rows of the same class.

Three complementary views of how good a set of synthetic rows is:

* :func:`detectability_auc` -- can a classifier tell synthetic rows from real
  ones?  0.5 means no, 1.0 means trivially.
* :func:`marginal_fidelity` -- does each column have the same distribution?
  1 - Kolmogorov-Smirnov statistic for numeric columns, 1 - total variation
  distance for categorical ones.
* :func:`distance_to_closest_record` -- are synthetic rows copies of real rows?
  0 means copies, about 1 means they are as far from the real rows as real
  rows are from each other.

:func:`quality_report` runs all three for every class a fitted oversampler
resampled.

All functions take two pandas DataFrames with the same columns, or two 2-D
NumPy arrays of the same width.  Missing values are allowed, so the output of
``GANOverSampler(missing="model")`` can be scored: a missing category is a
category of its own, and each function documents how it treats a missing
number.  Infinite numbers are refused, except by :func:`marginal_fidelity`.
None of the functions touches NumPy's or PyTorch's global random state.
"""

from __future__ import annotations

import copy
import inspect
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ._column_kinds import is_categorical_dtype
from ._random import draw_seed, local_generator, seeded_clone
from ._warnings import warn_caller

__all__ = [
    "detectability_auc",
    "distance_to_closest_record",
    "ks_statistic",
    "marginal_fidelity",
    "quality_report",
    "total_variation_distance",
]

#: Stands in for a missing category.  The NUL characters keep it apart from
#: any category a user would write, such as the string ``"__missing__"``.
_MISSING = "\x00missing\x00"


# ----------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------


def _to_frame(data: Any, name: str, columns: Sequence[Any] | None) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        raise ValueError(f"{name} must be 2-D (a DataFrame or 2-D array), got a Series")
    array = np.asarray(data)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (a DataFrame or 2-D array), got {array.ndim}-D"
        )
    use = (
        list(columns)
        if columns is not None and len(columns) == array.shape[1]
        else None
    )
    # Object arrays holding numbers get numeric columns, as a DataFrame would.
    return pd.DataFrame(array, columns=use).infer_objects()


def _check_pair(real: Any, synthetic: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two DataFrames with the same columns in the same order (real's order)."""
    real_cols = real.columns if isinstance(real, pd.DataFrame) else None
    synth_cols = synthetic.columns if isinstance(synthetic, pd.DataFrame) else None
    real_df = _to_frame(real, "real", synth_cols)
    synth_df = _to_frame(synthetic, "synthetic", real_cols)
    for name, frame in (("real", real_df), ("synthetic", synth_df)):
        if frame.shape[1] == 0:
            raise ValueError(f"{name} has no columns")
        if frame.shape[0] == 0:
            raise ValueError(f"{name} has no rows")
        if not frame.columns.is_unique:
            raise ValueError(f"{name} has duplicate column names")
    if list(real_df.columns) != list(synth_df.columns):
        missing = [c for c in real_df.columns if c not in synth_df.columns]
        extra = [c for c in synth_df.columns if c not in real_df.columns]
        if missing or extra:
            raise ValueError(
                "real and synthetic must have the same columns; "
                f"missing from synthetic: {missing}, not in real: {extra}"
            )
        synth_df = synth_df[real_df.columns]
    return real_df.reset_index(drop=True), synth_df.reset_index(drop=True)


def _resolve_categorical(frame: pd.DataFrame, categorical_features: Any) -> list[Any]:
    """Column names of the categorical columns, in column order.

    Follows ``GANOverSampler`` (and scikit-learn): a list of integers gives
    positions, even when the column labels are integers; any other list gives
    column names.
    """
    columns = list(frame.columns)
    if categorical_features is None:
        return []
    if isinstance(categorical_features, str):
        if categorical_features != "auto":
            raise ValueError(
                "categorical_features must be 'auto', None, column names, integer "
                f"indices or a boolean mask; got {categorical_features!r}"
            )
        return [c for c in columns if is_categorical_dtype(frame[c].dtype)]
    try:
        spec = list(categorical_features)
    except TypeError:
        raise ValueError(
            "categorical_features must be 'auto', None or an array-like of column "
            "names, integer indices or booleans; got "
            f"{categorical_features!r}"
        ) from None
    if not spec:
        return []
    if all(isinstance(v, (bool, np.bool_)) for v in spec):
        if len(spec) != len(columns):
            raise ValueError(
                f"boolean categorical_features has {len(spec)} entries for "
                f"{len(columns)} columns"
            )
        return [c for c, flag in zip(columns, spec, strict=True) if flag]
    chosen = set()
    if all(
        isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
        for v in spec
    ):
        n = len(columns)
        for value in spec:
            if not -n <= value < n:
                raise ValueError(
                    f"categorical_features contains index {value}, but real has "
                    f"only {n} columns (valid indices: 0 to {n - 1})"
                )
            chosen.add(columns[value])
    else:
        for value in spec:
            if value not in columns:
                raise ValueError(f"categorical feature {value!r} is not a column")
            chosen.add(value)
    return [c for c in columns if c in chosen]


def _category_key(value: Any) -> str:
    """The string a category value is compared by.

    Numbers are compared by value, whatever their dtype: an integral number
    (``1``, ``1.0``, ``np.float32(1.0)``) gives the integer's digits, any
    other number the shortest repr of its float64 value.  Booleans give
    ``"True"``/``"False"`` (so ``True`` differs from ``1``), strings are kept
    as they are, and anything else gives its ``str``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if np.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value)


def _categorical_values(series: pd.Series) -> pd.Series:
    """Values as strings so that 1, 1.0, '1' and a category '1' compare equal.

    See :func:`_category_key`; missing values become :data:`_MISSING`.
    """
    values = series.astype(object)
    missing = values.isna().to_numpy()
    keys = [
        _MISSING if gap else _category_key(value)
        for value, gap in zip(values, missing, strict=True)
    ]
    return pd.Series(keys, index=series.index, dtype=object)


def _numeric_values(series: pd.Series, name: str, column: Any) -> np.ndarray:
    try:
        values = pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"column {column!r} of {name} is not numeric; list it in "
            "categorical_features"
        ) from exc
    return values


def _prepare(
    real: Any, synthetic: Any, categorical_features: Any, *, allow_inf: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, list[Any], list[Any]]:
    """Aligned frames with float numeric and str categorical columns.

    Missing numeric values stay NaN; infinite ones are refused unless
    ``allow_inf``.
    """
    real_df, synth_df = _check_pair(real, synthetic)
    categorical = _resolve_categorical(real_df, categorical_features)
    numeric = [c for c in real_df.columns if c not in set(categorical)]
    out = []
    for name, frame in (("real", real_df), ("synthetic", synth_df)):
        clean = {}
        for col in real_df.columns:
            if col in categorical:
                clean[col] = _categorical_values(frame[col]).to_numpy(dtype=object)
            else:
                values = _numeric_values(frame[col], name, col)
                if not allow_inf and np.isinf(values).any():
                    raise ValueError(
                        f"numeric column {col!r} of {name} has infinite values"
                    )
                clean[col] = values
        out.append(pd.DataFrame(clean, columns=real_df.columns))
    return out[0], out[1], numeric, categorical


def _design(
    real_df: pd.DataFrame,
    synth_df: pd.DataFrame,
    numeric: list[Any],
    categorical: list[Any],
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str], dict[str, str]]:
    """Frames for scikit-learn: positional names, numeric gaps filled and flagged.

    Columns are renamed ``"c0"``, ``"c1"``, ... so that they are selected by
    name whatever the caller's labels are (integers, mixed types).  Each
    numeric column with a missing value in either frame has its gaps filled
    with the median of real's observed values (0 when it has none) and gets a
    0/1 indicator column ``"m<i>"``.  Returns both frames, the numeric and the
    categorical names, and a dict value column -> indicator column.
    """
    names = {col: f"c{i}" for i, col in enumerate(real_df.columns)}
    real_x = real_df.set_axis(list(names.values()), axis=1)
    synth_x = synth_df.set_axis(list(names.values()), axis=1)
    indicators = {}
    real_new, synth_new = {}, {}  # filled columns and indicators, added at once
    for col in numeric:
        value = names[col]
        real_gaps = np.isnan(real_x[value].to_numpy())
        synth_gaps = np.isnan(synth_x[value].to_numpy())
        if not (real_gaps.any() or synth_gaps.any()):
            continue
        observed = real_x[value].to_numpy()[~real_gaps]
        fill = float(np.median(observed)) if observed.size else 0.0
        flag = "m" + value[1:]
        indicators[value] = flag
        real_new.update(
            {value: real_x[value].fillna(fill), flag: real_gaps.astype(float)}
        )
        synth_new.update(
            {value: synth_x[value].fillna(fill), flag: synth_gaps.astype(float)}
        )
    real_x, synth_x = real_x.assign(**real_new), synth_x.assign(**synth_new)
    return (
        real_x,
        synth_x,
        [names[c] for c in numeric],
        [names[c] for c in categorical],
        indicators,
    )


# ----------------------------------------------------------------------------
# Marginals
# ----------------------------------------------------------------------------


def ks_statistic(a: Any, b: Any) -> float:
    """Two-sample Kolmogorov-Smirnov statistic.

    The largest absolute difference between the empirical cumulative
    distribution functions of ``a`` and ``b``.  Missing values are ignored.

    Parameters
    ----------
    a, b : array-like of shape (n,) and (m,)
        The two samples.

    Returns
    -------
    float
        A value in [0, 1]: 0 for identical empirical distributions, 1 when
        every value of one sample is below every value of the other.

    Examples
    --------
    >>> from gan_oversampler.metrics import ks_statistic
    >>> ks_statistic([1, 2, 3, 4], [3, 4, 5, 6])
    0.5
    >>> ks_statistic([1, 2], [5, 6])
    1.0
    """
    x = np.sort(np.asarray(a, dtype=float).ravel())
    z = np.sort(np.asarray(b, dtype=float).ravel())
    x = x[~np.isnan(x)]
    z = z[~np.isnan(z)]
    if x.size == 0 or z.size == 0:
        raise ValueError("both samples need at least one non-missing value")
    points = np.concatenate([x, z])
    cdf_x = np.searchsorted(x, points, side="right") / x.size
    cdf_z = np.searchsorted(z, points, side="right") / z.size
    return float(np.max(np.abs(cdf_x - cdf_z)))


def total_variation_distance(a: Any, b: Any) -> float:
    """Total variation distance between the category frequencies of two samples.

    Half the sum, over every category seen in either sample, of the absolute
    difference between its relative frequencies.  Missing values count as a
    category of their own.  Values are compared as strings, except that
    numbers are compared by value whatever their dtype (``1`` equals ``1.0``
    and ``np.float32(1.0)``; ``True`` stays distinct from ``1``).

    Parameters
    ----------
    a, b : array-like of shape (n,) and (m,)
        The two samples.

    Returns
    -------
    float
        A value in [0, 1]: 0 for identical frequencies, 1 when the samples
        share no category.

    Examples
    --------
    >>> from gan_oversampler.metrics import total_variation_distance
    >>> total_variation_distance(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    0.25
    >>> total_variation_distance(["a", "b"], ["c"])
    1.0
    """
    p = _categorical_values(pd.Series(np.asarray(a, dtype=object).ravel()))
    q = _categorical_values(pd.Series(np.asarray(b, dtype=object).ravel()))
    if p.empty or q.empty:
        raise ValueError("both samples need at least one value")
    # Integer arithmetic keeps the answer exact for identical/disjoint samples.
    counts = pd.concat([p.value_counts(), q.value_counts()], axis=1).fillna(0)
    cp = counts.iloc[:, 0].to_numpy(dtype=np.int64)
    cq = counts.iloc[:, 1].to_numpy(dtype=np.int64)
    return float(np.abs(cp * len(q) - cq * len(p)).sum() / (2 * len(p) * len(q)))


def marginal_fidelity(
    real: Any, synthetic: Any, *, categorical_features: Any = "auto"
) -> pd.Series:
    """Per-column similarity of the marginal distributions.

    ``1 - KS statistic`` (:func:`ks_statistic`) for numeric columns and
    ``1 - total variation distance`` (:func:`total_variation_distance`) for
    categorical ones, so 1.0 means identical marginals and 0.0 means disjoint
    ones.  Use ``.mean()`` on the result for a single score.

    Parameters
    ----------
    real : DataFrame or 2-D array of shape (n_real, n_features)
        Real rows.
    synthetic : DataFrame or 2-D array of shape (n_synthetic, n_features)
        Synthetic rows with the same columns.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical: ``"auto"`` takes every column of
        ``real`` with an object, string, category or bool dtype, the rule
        ``GANOverSampler`` follows; ``None`` means none; otherwise a boolean
        mask, a list of integer positions or a list of column names. As in
        ``GANOverSampler`` and scikit-learn, a list of integers gives positions
        even when the columns are labelled with integers (``[0]`` is the first
        column, whatever its label); any other list gives column names.

    Returns
    -------
    pandas.Series
        One value in [0, 1] per column, indexed by column name, named
        ``"marginal_fidelity"``.  Missing values in numeric columns are
        ignored; a numeric column missing in all rows of either input gives
        NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from gan_oversampler.metrics import marginal_fidelity
    >>> real = pd.DataFrame({"age": [20, 30, 40, 50], "pet": ["cat", "dog"] * 2})
    >>> fake = pd.DataFrame({"age": [40, 50, 60, 70], "pet": ["cat"] * 4})
    >>> marginal_fidelity(real, fake)
    age    0.5
    pet    0.5
    Name: marginal_fidelity, dtype: float64
    >>> float(marginal_fidelity(real, fake).mean())
    0.5
    """
    real_df, synth_df, _, categorical = _prepare(
        real, synthetic, categorical_features, allow_inf=True
    )
    scores = {}
    for col in real_df.columns:
        if col in categorical:
            scores[col] = 1.0 - total_variation_distance(real_df[col], synth_df[col])
        else:
            a = real_df[col].to_numpy()
            b = synth_df[col].to_numpy()
            if np.isnan(a).all() or np.isnan(b).all():
                scores[col] = np.nan
            else:
                scores[col] = 1.0 - ks_statistic(a, b)
    return pd.Series(scores, name="marginal_fidelity", dtype=float).reindex(
        real_df.columns
    )


# ----------------------------------------------------------------------------
# Detectability
# ----------------------------------------------------------------------------


def _copy_chunks(
    X: pd.DataFrame, y: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Cross-validation groups that keep each value's real:synthetic ratio.

    Rows with identical values in both classes (``r`` real, ``s`` synthetic)
    are dealt into ``min(r, s)`` chunks with about the same ratio each; every
    other row is a chunk of its own.  Keeping chunks within one fold means no
    fold holds out a row while its exact copy of the other class stays in
    training, and holding out a fold does not shift the class balance of any
    value that remains in training.
    """
    value = pd.util.hash_pandas_object(X, index=False).to_numpy()
    value = np.unique(value, return_inverse=True)[1]
    frame = pd.DataFrame({"value": value, "y": y, "key": rng.random(len(y))})
    frame = frame.sort_values("key", kind="stable")
    counts = frame.groupby(["value", "y"])["y"].transform("size").to_numpy()
    per_value = frame.groupby("value")["y"].agg(["sum", "size"])
    n_synth = per_value["sum"].reindex(frame["value"]).to_numpy()
    n_real = per_value["size"].reindex(frame["value"]).to_numpy() - n_synth
    shared = np.minimum(n_real, n_synth)
    rank = frame.groupby(["value", "y"]).cumcount().to_numpy()
    chunk = np.where(shared > 0, rank * np.maximum(shared, 1) // counts, rank)
    pairs = np.column_stack([frame["value"].to_numpy(), chunk])
    ids = np.empty(len(y), dtype=np.int64)
    ids[frame.index.to_numpy()] = np.unique(pairs, axis=0, return_inverse=True)[1]
    return ids


def _encoder(
    numeric: list[str], categorical: list[str], flags: list[str]
) -> ColumnTransformer:
    transformers = []
    if numeric:
        transformers.append(("num", StandardScaler(), numeric))
    if categorical:
        transformers.append(
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                categorical,
            )
        )
    if flags:
        transformers.append(("missing", "passthrough", flags))
    return ColumnTransformer(transformers)


def detectability_auc(
    real: Any,
    synthetic: Any,
    *,
    categorical_features: Any = "auto",
    cv: Any = 5,
    estimator: Any = None,
    random_state: Any = None,
) -> float:
    """Cross-validated ROC AUC of a classifier that separates real from synthetic.

    Real rows are labelled 0 and synthetic rows 1.  Numeric columns are
    standardised and categorical columns one-hot encoded inside each fold, a
    classifier is trained on the training folds, and the ROC AUC of its
    synthetic-class probability on the held-out fold is averaged over folds.

    The folds are stratified (each keeps the real/synthetic proportions) and
    keep exact copies together: when a value occurs in ``r`` real and ``s``
    synthetic rows, those rows are dealt into ``min(r, s)`` chunks with the
    same real:synthetic ratio and each chunk stays within one fold.  Without
    this, a classifier that memorises a synthetic row labelled 1 would score
    its real twin, held out, as synthetic, and synthetic rows that copy real
    ones would get an AUC far below 0.5; with it, copies tie and score 0.5.
    Values clearly below 0.5 can still occur when synthetic rows are
    *near*-copies of real rows: detectability does not measure copying, see
    :func:`distance_to_closest_record`.

    The same chunks bias the AUC upwards on small tables with few distinct
    rows, such as a few low-cardinality categorical columns: since every
    held-out fold repeats the real:synthetic ratio of each value in the
    training folds, the chance imbalances of the sample are confirmed in
    every fold.  For 60 real against 60 synthetic rows of two categorical
    columns drawn from the *same* distribution, the AUC averaged 0.575
    (standard error 0.009 over 15 seeds), where a classifier scored on an
    independent hold-out gives 0.49.  On such data, judge the AUC against a
    baseline: the AUC of the real rows against a second, held-out sample of
    real rows of the same size.

    Missing values: a missing category is a category of its own.  Each
    numeric column with a missing value in ``real`` or ``synthetic`` has its
    gaps filled with the median of ``real``'s observed values in that column
    (0 if it has none) and gets a 0/1 "is missing" indicator feature, so that
    the classifier sees both the values and where they are missing: a wrong
    missing rate is detectable.  Infinite numbers raise a ``ValueError``.

    Parameters
    ----------
    real : DataFrame or 2-D array of shape (n_real, n_features)
        Real rows.
    synthetic : DataFrame or 2-D array of shape (n_synthetic, n_features)
        Synthetic rows with the same columns.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical; see :func:`marginal_fidelity`.
    cv : int or cross-validation splitter, default=5
        Number of folds, capped at the number of real and of synthetic rows
        (more exactly, of the copy-preserving chunks described above) so that
        every fold holds both; at least 2 rows are needed in each group.  Or a
        splitter whose ``split`` takes ``(X, y, groups)``; ``groups`` are the
        chunks.  The rows reach the splitter real first, then synthetic, so
        use a splitter that shuffles or stratifies: folds that hold out (or
        train on) one class only are skipped with a ``UserWarning``.
    estimator : classifier, default=None
        Any scikit-learn classifier with ``predict_proba``; it is cloned and
        used as is (set its own ``random_state`` for reproducibility).
        ``None`` uses a ``RandomForestClassifier(n_estimators=100,
        min_samples_leaf=2, class_weight="balanced")`` seeded from
        ``random_state``; the balanced class weights make the result
        insensitive to the ratio of real to synthetic rows.
    random_state : int, numpy Generator or None, default=None
        Seeds the fold shuffling and the default estimator.  ``None`` draws
        fresh entropy from the OS (not from NumPy's global state).

    Returns
    -------
    float
        Mean held-out ROC AUC: about 0.5 when the synthetic rows are
        indistinguishable from the real ones, 1.0 when they are trivially
        detectable.

    Examples
    --------
    >>> import numpy as np
    >>> from gan_oversampler.metrics import detectability_auc
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(100, 3))
    >>> shifted = rng.normal(loc=3.0, size=(100, 3))
    >>> detectability_auc(real, shifted, random_state=0) > 0.95
    True
    >>> round(detectability_auc(real, real, random_state=0), 6)
    0.5
    """
    real_df, synth_df, numeric, categorical = _prepare(
        real, synthetic, categorical_features
    )
    real_df, synth_df, numeric, categorical, indicators = _design(
        real_df, synth_df, numeric, categorical
    )
    flags = list(indicators.values())
    n_real, n_synth = len(real_df), len(synth_df)
    if min(n_real, n_synth) < 2:
        raise ValueError(
            "detectability_auc needs at least 2 real and 2 synthetic rows; got "
            f"{n_real} and {n_synth}"
        )
    rng = local_generator(random_state)
    seed_cv, seed_model = (int(s) for s in rng.integers(np.iinfo(np.int32).max, size=2))

    X = pd.concat([real_df, synth_df], ignore_index=True)
    y = np.r_[np.zeros(n_real, dtype=int), np.ones(n_synth, dtype=int)]
    groups = _copy_chunks(X, y, rng)

    if isinstance(cv, numbers.Integral):
        if cv < 2:
            raise ValueError(f"cv must be at least 2, got {cv}")
        n_splits = int(
            min(cv, len(np.unique(groups[y == 0])), len(np.unique(groups[y == 1])))
        )
        if n_splits < 2:  # e.g. both real rows are copies of one synthetic row
            raise ValueError("too few distinct rows to cross-validate")
        splitter = StratifiedGroupKFold(
            n_splits=n_splits, shuffle=True, random_state=seed_cv
        )
    else:
        splitter = cv

    if estimator is None:
        estimator = RandomForestClassifier(
            n_estimators=100,
            min_samples_leaf=2,
            class_weight="balanced",
            random_state=seed_model,
            n_jobs=1,
        )
    scores = []
    n_folds = 0
    for train, test in splitter.split(X, y, groups):
        n_folds += 1
        if len(np.unique(y[test])) < 2 or len(np.unique(y[train])) < 2:
            continue
        model = make_pipeline(_encoder(numeric, categorical, flags), clone(estimator))
        model.fit(X.iloc[train], y[train])
        proba = model.predict_proba(X.iloc[test])[:, list(model.classes_).index(1)]
        scores.append(roc_auc_score(y[test], proba))
    if not scores:
        raise ValueError(
            "no cross-validation fold held out both real and synthetic rows"
        )
    if splitter is cv and len(scores) < n_folds:
        warn_caller(
            f"detectability_auc skipped {n_folds - len(scores)} of {n_folds} "
            "cross-validation folds of cv because they held out or trained on "
            "only real or only synthetic rows; the rows are ordered real then "
            "synthetic, so use a splitter that shuffles or stratifies, such as "
            "StratifiedKFold(shuffle=True) or StratifiedGroupKFold(shuffle=True)",
            UserWarning,
        )
    return float(np.mean(scores))


# ----------------------------------------------------------------------------
# Distance to closest record
# ----------------------------------------------------------------------------


def _distance_space(
    real_df: pd.DataFrame,
    synth_df: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    indicators: dict[str, str],
) -> ColumnTransformer:
    """Encoder fitted on ``real_df`` (gaps filled, see :func:`_design`).

    The scaler learns each numeric column's mean and standard deviation from
    the observed values only; a column with no observed value keeps just its
    indicator.  The one-hot encoder knows the categories of both frames, so
    that a synthetic category absent from ``real_df`` costs a squared distance
    of 1 like any other mismatch.  Indicators pass through unscaled, so a
    mismatch costs a squared distance of 1.
    """
    fit_frame = real_df.copy()
    for value, flag in indicators.items():
        fit_frame.loc[fit_frame[flag].to_numpy() == 1.0, value] = np.nan
    scaled = [c for c in numeric if fit_frame[c].notna().any()]
    transformers = []
    if scaled:
        transformers.append(("num", StandardScaler(), scaled))
    if categorical:
        # A category mismatch flips two one-hot entries; scaling by 1/sqrt(2)
        # makes it cost a squared distance of 1, like a 1-sd numeric gap.
        categories = [
            np.unique(np.r_[real_df[c].to_numpy(), synth_df[c].to_numpy()])
            for c in categorical
        ]
        onehot = OneHotEncoder(categories=categories, sparse_output=False)
        transformers.append(("cat", onehot, categorical))
    if indicators:
        transformers.append(("missing", "passthrough", list(indicators.values())))
    weights = {name: 1.0 for name, _, _ in transformers}
    if categorical:
        weights["cat"] = 1.0 / np.sqrt(2.0)
    return ColumnTransformer(transformers, transformer_weights=weights).fit(fit_frame)


def distance_to_closest_record(
    real: Any, synthetic: Any, *, categorical_features: Any = "auto"
) -> float:
    """How close synthetic rows are to real ones, relative to real-real gaps.

    The median, over synthetic rows, of the Euclidean distance to the nearest
    real row, divided by the median, over real rows, of the distance to the
    nearest *other* real row.  Distances are computed after standardising
    numeric columns and one-hot encoding categorical columns, both fitted on
    ``real``; one-hot columns are scaled by 1/sqrt(2) so that a different
    category adds 1 to the squared distance, like a one-standard-deviation
    numeric difference; this holds for categories absent from ``real`` too.

    Missing values: a missing category is a category of its own.  Each
    numeric column with a missing value in ``real`` or ``synthetic`` gets a
    0/1 "is missing" indicator, unscaled, so that a missing value facing an
    observed one adds 1 to the squared distance, like a different category;
    the gaps themselves are filled with the median of ``real``'s observed
    values, so that two missing values are at distance 0.  Numeric columns
    are standardised with the mean and standard deviation of ``real``'s
    observed values; a column with no observed value in ``real`` counts
    through its indicator only.  Infinite numbers raise a ``ValueError``.

    Parameters
    ----------
    real : DataFrame or 2-D array of shape (n_real, n_features)
        Real rows; at least 2.
    synthetic : DataFrame or 2-D array of shape (n_synthetic, n_features)
        Synthetic rows with the same columns.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical; see :func:`marginal_fidelity`.

    Returns
    -------
    float
        0.0 when (more than half of) the synthetic rows copy real rows; about
        1.0 when synthetic rows are as far from the real rows as real rows are
        from each other; larger when they are farther.  If more than half of
        the real rows have an exact duplicate among the real rows (the
        denominator is 0) the result is 0.0 when the numerator is 0 too and
        ``inf`` otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from gan_oversampler.metrics import distance_to_closest_record
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(300, 2))
    >>> distance_to_closest_record(real, real[:50])
    0.0
    >>> fresh = rng.normal(size=(300, 2))
    >>> 0.5 < distance_to_closest_record(real, fresh) < 1.5
    True
    """
    real_df, synth_df, numeric, categorical = _prepare(
        real, synthetic, categorical_features
    )
    if len(real_df) < 2:
        raise ValueError("distance_to_closest_record needs at least 2 real rows")
    real_df, synth_df, numeric, categorical, indicators = _design(
        real_df, synth_df, numeric, categorical
    )
    space = _distance_space(real_df, synth_df, numeric, categorical, indicators)
    real_z = np.asarray(space.transform(real_df), dtype=float)
    synth_z = np.asarray(space.transform(synth_df), dtype=float)
    nn = NearestNeighbors(n_neighbors=1).fit(real_z)
    synth_d = nn.kneighbors(synth_z, n_neighbors=1, return_distance=True)[0][:, 0]
    # X=None: each real row's neighbours exclude itself (but not its duplicates).
    real_d = nn.kneighbors(None, n_neighbors=1, return_distance=True)[0][:, 0]
    numerator = float(np.median(synth_d))
    denominator = float(np.median(real_d))
    if denominator == 0.0:
        return 0.0 if numerator == 0.0 else float("inf")
    return numerator / denominator


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------


def _synthetic_from_refit(sampler: Any, X: Any, y: pd.Series) -> dict[Any, Any]:
    """Synthetic rows per class from the tail of ``fit_resample``'s output."""
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(y)
    tail_y = np.asarray(y_res)[n:]
    if isinstance(X_res, pd.DataFrame):
        tail_X = X_res.iloc[n:].reset_index(drop=True)
        return {label: tail_X[tail_y == label] for label in np.unique(tail_y)}
    tail_X = np.asarray(X_res)[n:]
    return {label: tail_X[tail_y == label] for label in np.unique(tail_y)}


def _takes_random_state(method: Any) -> bool:
    """Whether ``method`` accepts a ``random_state`` keyword argument."""
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    return "random_state" in parameters


def quality_report(
    sampler: Any,
    X: Any,
    y: Any,
    *,
    n_samples: int | None = None,
    categorical_features: Any = "auto",
    random_state: Any = None,
) -> pd.DataFrame:
    """Quality metrics of a fitted oversampler, one row per resampled class.

    For every class with a positive entry in ``sampler.sampling_strategy_``,
    synthetic rows are compared with the real rows of that class in ``X`` by
    :func:`detectability_auc`, :func:`marginal_fidelity` (mean over columns)
    and :func:`distance_to_closest_record`.

    Synthetic rows come from the sampler's ``sample(n, label)`` method when it
    has one. If that method takes a ``random_state`` (as
    :meth:`GANOverSampler.sample <gan_oversampler.GANOverSampler.sample>`
    does), each class's rows are drawn with a seed from ``random_state``,
    which leaves the sampler's own sequence of draws alone; otherwise they are
    drawn from a copy of the sampler. Either way the report is the same each
    time for a fixed ``random_state``, and the caller's sampler draws the same
    rows afterwards as without a report.  Otherwise a clone of the sampler is
    refitted with ``fit_resample(X, y)`` and the rows after the first
    ``len(X)`` are used, which is where imbalanced-learn oversamplers put
    their new rows; ``n_samples`` is then ignored.  Each ``random_state``
    parameter of the clone (nested ones too) that is ``None`` is seeded from
    ``random_state``.  The caller's sampler is never changed.

    Missing values in ``X`` and in the synthetic rows (as generated by
    ``GANOverSampler(missing="model")``) are handled as each metric
    documents.

    Parameters
    ----------
    sampler : fitted oversampler
        Must have ``sampling_strategy_`` (a dict label -> number of synthetic
        rows), as set by ``fit_resample``.
    X : DataFrame or 2-D array of shape (n_rows, n_features)
        The data the sampler was fitted on.
    y : array-like of shape (n_rows,)
        Its labels.
    n_samples : int, default=None
        Synthetic rows to draw per class; ``None`` uses the class's entry of
        ``sampling_strategy_``.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical; see :func:`marginal_fidelity`.
    random_state : int, numpy Generator or None, default=None
        Seeds :func:`detectability_auc` and, for a refitted sampler, its unset
        random states.  ``None`` draws fresh entropy from the OS (not from
        NumPy's global state).

    Returns
    -------
    pandas.DataFrame
        Indexed by class label (index name ``"class"``), with columns
        ``n_real``, ``n_synthetic``, ``detectability_auc``,
        ``marginal_fidelity`` and ``dcr_ratio``.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from gan_oversampler.metrics import quality_report
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 3))
    >>> y = np.r_[np.zeros(100, dtype=int), np.ones(20, dtype=int)]
    >>> smote = SMOTE(random_state=0).fit(X, y)
    >>> report = quality_report(smote, X, y, random_state=0)
    >>> report[["n_real", "n_synthetic"]].to_dict("index")
    {1: {'n_real': 20, 'n_synthetic': 80}}
    """
    strategy = getattr(sampler, "sampling_strategy_", None)
    if not isinstance(strategy, dict):
        raise ValueError(
            "sampler must be fitted: it needs a sampling_strategy_ dict; call "
            "fit_resample first"
        )
    y_arr = np.asarray(y).ravel()
    if len(y_arr) == 0:
        raise ValueError("y is empty")
    if len(y_arr) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y_arr)}")
    if n_samples is not None and (
        not isinstance(n_samples, numbers.Integral) or n_samples < 2
    ):
        raise ValueError(f"n_samples must be an int >= 2 or None, got {n_samples!r}")
    labels = [label for label, n in strategy.items() if n > 0]
    rng = local_generator(random_state)

    refit: dict[Any, Any] | None = None
    draw = getattr(sampler, "sample", None)
    if draw is not None and _takes_random_state(draw):
        # Seeded draws leave the sampler's own sequence of draws alone.
        seeds = {label: draw_seed(rng) for label in labels}
        source = sampler
    elif draw is not None:
        # Drawing advances the sampler's sequence of draws: use a copy.
        seeds = {}
        source = copy.deepcopy(sampler)
    else:
        unfitted = seeded_clone(sampler, rng, safe=False)
        refit = _synthetic_from_refit(unfitted, X, pd.Series(y_arr))

    rows = []
    for label in labels:
        mask = y_arr == label
        real = X[mask] if isinstance(X, pd.DataFrame) else np.asarray(X)[mask]
        if refit is not None:
            synthetic = refit.get(label, np.empty((0, np.shape(real)[1])))
        else:
            n = int(n_samples if n_samples is not None else strategy[label])
            if seeds:
                synthetic = source.sample(n, label, random_state=seeds[label])
            else:
                synthetic = source.sample(n, label)
        n_synth = len(synthetic)
        row = {
            "class": label,
            "n_real": int(mask.sum()),
            "n_synthetic": n_synth,
            "detectability_auc": np.nan,
            "marginal_fidelity": np.nan,
            "dcr_ratio": np.nan,
        }
        if n_synth > 0:
            kw = {"categorical_features": categorical_features}
            if n_synth >= 2 and row["n_real"] >= 2:
                row["detectability_auc"] = detectability_auc(
                    real, synthetic, random_state=rng, **kw
                )
            row["marginal_fidelity"] = float(
                marginal_fidelity(real, synthetic, **kw).mean()
            )
            if row["n_real"] >= 2:
                row["dcr_ratio"] = distance_to_closest_record(real, synthetic, **kw)
        rows.append(row)
    columns = [
        "class",
        "n_real",
        "n_synthetic",
        "detectability_auc",
        "marginal_fidelity",
        "dcr_ratio",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("class")
