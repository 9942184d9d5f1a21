"""Detectability: can a classifier tell synthetic rows from real ones?"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .._random import local_generator
from .._warnings import warn_caller
from ._inputs import _design, _prepare


def _group_folds(
    y: np.ndarray, groups: np.ndarray, n_splits: int, rng: np.random.Generator
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_splits`` (train, test) folds of whole groups, each holding both classes.

    The groups are shuffled and dealt round robin: first those with real
    rows (those that also hold synthetic rows first, then the real-only
    ones), then the synthetic-only ones, starting with the folds that hold
    no synthetic row yet. As ``n_splits`` is at most the number of groups
    holding each class, every fold then holds out real and synthetic rows,
    which scikit-learn's ``StratifiedGroupKFold`` does not guarantee: with
    scikit-learn 1.6, on a table of 3 real and 40 synthetic rows, no fold
    held out both classes for 33 of 200 seeds.
    """
    ids, index = np.unique(groups, return_inverse=True)
    real = np.bincount(index, weights=(y == 0), minlength=len(ids)) > 0
    synth = np.bincount(index, weights=(y == 1), minlength=len(ids)) > 0
    order = rng.permutation(len(ids))
    with_real = np.r_[
        order[real[order] & synth[order]], order[real[order] & ~synth[order]]
    ]
    fold_of = np.empty(len(ids), dtype=np.int64)
    fold_of[with_real] = np.arange(len(with_real)) % n_splits
    has_synth = np.zeros(n_splits, dtype=bool)
    has_synth[fold_of[with_real[synth[with_real]]]] = True
    synth_only = order[~real[order]]
    # Folds without synthetic rows first (a stable sort keeps the rest in order).
    first = np.argsort(has_synth, kind="stable")
    fold_of[synth_only] = first[np.arange(len(synth_only)) % n_splits]
    row_fold = fold_of[index]
    every = np.arange(len(y))
    return [(every[row_fold != k], every[row_fold == k]) for k in range(n_splits)]


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
        folds = _group_folds(y, groups, n_splits, np.random.default_rng(seed_cv))
    else:
        folds = list(cv.split(X, y, groups))

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
    for train, test in folds:
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
    if not isinstance(cv, numbers.Integral) and len(scores) < n_folds:
        warn_caller(
            f"detectability_auc skipped {n_folds - len(scores)} of {n_folds} "
            "cross-validation folds of cv because they held out or trained on "
            "only real or only synthetic rows; the rows are ordered real then "
            "synthetic, so use a splitter that shuffles or stratifies, such as "
            "StratifiedKFold(shuffle=True) or StratifiedGroupKFold(shuffle=True)",
            UserWarning,
        )
    return float(np.mean(scores))
