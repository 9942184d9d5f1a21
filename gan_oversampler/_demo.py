"""The teachers story end to end: what ``gan-oversampler demo`` prints.

Balance a simulated staff table (many women, few men) with
:class:`~gan_oversampler.GANOverSampler`, compare the real and synthetic men,
then cross-validate two classifiers with every usual remedy for imbalance:
no resampling, class weights, class weights with a tuned decision threshold,
RandomOverSampler, SMOTENC, and the GAN with and without a tuned threshold.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from ._column_kinds import is_categorical_dtype

__all__ = ["run_demo"]

DEMO_SAMPLES = 1000
DEMO_MALE_FRACTION = 0.1
DEMO_FOLDS = 5
DEMO_INNER_FOLDS = 3
DEMO_CLASSIFIERS = ("logistic regression", "gradient boosting")


def real_vs_synthetic(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    """Means of numeric columns and top category shares, real vs synthetic.

    Parameters
    ----------
    real, synthetic : pandas.DataFrame
        Rows of one class, with the same columns.

    Returns
    -------
    pandas.DataFrame
        One row per statistic, one column each for the real and synthetic rows.
    """
    rows: dict[str, tuple[str, str]] = {}
    for name, column in real.items():
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            rows[f"{name} (share True)"] = (
                f"{column.mean():.0%}",
                f"{synthetic[name].astype(bool).mean():.0%}" if len(synthetic) else "-",
            )
        elif pd.api.types.is_numeric_dtype(dtype):
            rows[f"{name} (mean)"] = (
                f"{column.mean():,.1f}",
                f"{synthetic[name].mean():,.1f}" if len(synthetic) else "-",
            )
        else:
            real_shares = column.astype(object).value_counts(normalize=True)
            fake_shares = synthetic[name].astype(object).value_counts(normalize=True)
            for category in real_shares.index[:2]:
                rows[f"{name} = {category}"] = (
                    f"{real_shares[category]:.0%}",
                    f"{fake_shares.get(category, 0.0):.0%}",
                )
    return pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=[f"real ({len(real)})", f"synthetic ({len(synthetic)})"],
    )


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """Run torch, BLAS and OpenMP on one thread, restoring the settings after.

    The demo's networks and matrices are tiny: a second thread gains nothing,
    and on a busy machine (other processes on the same cores) threads waiting
    for each other make GAN training tens of times slower.

    Yields
    ------
    None
    """
    import torch
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(previous)


def _column_kinds(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    numeric = [c for c, d in X.dtypes.items() if not is_categorical_dtype(d)]
    return numeric, [c for c in X.columns if c not in numeric]


def _classifier(name: str, numeric, categorical, *, balanced: bool, seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    weight = "balanced" if balanced else None
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ],
        sparse_threshold=0.0,
    )
    if name == "logistic regression":
        model = LogisticRegression(max_iter=1000, class_weight=weight)
    else:
        model = HistGradientBoostingClassifier(random_state=seed, class_weight=weight)
    return make_pipeline(preprocess, model)


def _samplers(categorical: list[str], seed: int, epochs: int | str) -> dict:
    """Sampler name -> a function making a fresh sampler (None: no sampler)."""
    from imblearn.over_sampling import SMOTENC, RandomOverSampler

    from gan_oversampler import GANOverSampler

    return {
        "none": lambda: None,
        "ros": lambda: RandomOverSampler(random_state=seed),
        "smotenc": lambda: SMOTENC(categorical_features=categorical, random_state=seed),
        "gan": lambda: GANOverSampler(epochs=epochs, random_state=seed),
    }


REMEDIES = {
    "no resampling": ("none", False, False),
    "class weights": ("none", True, False),
    "class weights + tuned threshold": ("none", True, True),
    "RandomOverSampler": ("ros", False, False),
    "SMOTENC": ("smotenc", False, False),
    "GANOverSampler": ("gan", False, False),
    "GANOverSampler + tuned threshold": ("gan", False, True),
}
"""Remedy -> (sampler name, class weights?, tuned threshold?)."""


def _tuned(model, sampler, seed: int):
    """``model`` with its decision threshold tuned, ``sampler`` inside it.

    Each inner fold is resampled from its own training rows, and the
    threshold is chosen on real validation rows.
    """
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    if sampler is not None:
        model = make_pipeline(sampler, model)
    inner = StratifiedKFold(DEMO_INNER_FOLDS, shuffle=True, random_state=seed)
    return TunedThresholdClassifierCV(model, scoring="balanced_accuracy", cv=inner)


def compare_remedies(
    X: pd.DataFrame, y: pd.Series, *, seed: int, epochs: int | str
) -> pd.DataFrame:
    """Cross-validated scores of every remedy with every demo classifier.

    Without a tuned threshold, each sampler resamples each training fold once;
    both classifiers are fitted on its rows and scored on the untouched test
    fold.  A tuned threshold is chosen by
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV` (balanced
    accuracy, stratified inner folds of the training fold) around the whole
    model, sampler included: each inner fold is resampled from its own
    training rows and the threshold is chosen on real rows, as in the
    benchmark's ``gan_in_tt``.

    Parameters
    ----------
    X : pandas.DataFrame
        The table.
    y : pandas.Series
        Binary labels.
    seed : int
        Seed of the folds, the samplers and the classifiers.
    epochs : int or "auto"
        GAN training epochs.

    Returns
    -------
    pandas.DataFrame
        Index (remedy, classifier); columns: balanced accuracy and average
        precision as "mean ± standard deviation over folds", and the mean
        seconds of resampling plus fitting per fold.
    """
    from sklearn.metrics import average_precision_score, balanced_accuracy_score
    from sklearn.model_selection import StratifiedKFold

    numeric, categorical = _column_kinds(X)
    samplers = _samplers(categorical, seed, epochs)
    positive = y.value_counts().idxmin()
    folds = StratifiedKFold(DEMO_FOLDS, shuffle=True, random_state=seed)
    records = []
    for fold, (train, test) in enumerate(folds.split(X, y)):
        X_train, y_train = X.iloc[train], y.iloc[train]
        X_test, y_test = X.iloc[test], y.iloc[test]
        resampled: dict[str, tuple] = {}
        for name, (key, balanced, tuned) in REMEDIES.items():
            for clf_name in DEMO_CLASSIFIERS:
                model = _classifier(
                    clf_name, numeric, categorical, balanced=balanced, seed=seed
                )
                start = time.perf_counter()
                if tuned:
                    model = _tuned(model, samplers[key](), seed)
                    model.fit(X_train, y_train)
                    seconds = time.perf_counter() - start
                else:
                    if key not in resampled:  # each sampler once per fold
                        sampler = samplers[key]()
                        rows = (X_train, y_train)
                        if sampler is not None:
                            rows = sampler.fit_resample(X_train, y_train)
                        resampled[key] = (rows, time.perf_counter() - start)
                    (X_fit, y_fit), sample_s = resampled[key]
                    start = time.perf_counter()
                    model.fit(X_fit, y_fit)
                    seconds = sample_s + time.perf_counter() - start
                column = list(model.classes_).index(positive)
                score = model.predict_proba(X_test)[:, column]
                records.append(
                    {
                        "remedy": name,
                        "classifier": clf_name,
                        "fold": fold,
                        "balanced accuracy": balanced_accuracy_score(
                            y_test, model.predict(X_test)
                        ),
                        "average precision": average_precision_score(
                            y_test == positive, score
                        ),
                        "fit (s)": seconds,
                    }
                )
    frame = pd.DataFrame(records)
    grouped = frame.groupby(["remedy", "classifier"], sort=False)
    table = pd.DataFrame(
        {
            metric: [
                f"{mean:.3f} ± {std:.3f}"
                for mean, std in zip(
                    grouped[metric].mean(), grouped[metric].std(ddof=0), strict=True
                )
            ]
            for metric in ("balanced accuracy", "average precision")
        },
        index=grouped.size().index,
    )
    table["fit (s)"] = grouped["fit (s)"].mean().round(2)
    return table


def run_demo(*, random_state: int = 0, epochs: int | str = "auto") -> None:
    """Print the teachers story: counts, real vs synthetic men, CV scores.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the table, the samplers, the classifiers and the folds.
    epochs : int or "auto", default="auto"
        GAN training epochs.
    """
    from gan_oversampler import GANOverSampler
    from gan_oversampler.datasets import make_teachers

    started = time.perf_counter()
    X, y = make_teachers(
        DEMO_SAMPLES, male_fraction=DEMO_MALE_FRACTION, random_state=random_state
    )
    is_man = (y == "male").to_numpy()
    print(
        f"A staff table of {len(X)} elementary-school teachers: "
        f"{is_man.sum()} men, {(~is_man).sum()} women."
    )
    print(f"Columns: {', '.join(map(str, X.columns))}.")
    print(
        f"GANOverSampler trains a GAN on the men for {epochs} epochs "
        f"{'(about 2,000 steps) ' if epochs == 'auto' else ''}"
        f"(random_state={random_state}).\n",
        flush=True,
    )
    sampler = GANOverSampler(epochs=epochs, random_state=random_state)
    X_res, y_res = sampler.fit_resample(X, y)
    y_res = pd.Series(y_res).reset_index(drop=True)
    counts = pd.DataFrame(
        {"before": y.value_counts(sort=False), "after": y_res.value_counts(sort=False)}
    )
    counts = counts.fillna(0).astype(np.int64)
    counts.index.name = None
    print("Class counts")
    print(counts.to_string())
    print()

    n_real = len(X)
    synthetic_men = X_res.iloc[n_real:][(y_res.iloc[n_real:] == "male").to_numpy()]
    print("Men: real vs synthetic")
    print(real_vs_synthetic(X[is_man], synthetic_men).to_string())
    print(flush=True)

    print(
        f"{DEMO_FOLDS}-fold stratified cross-validation (only the training folds "
        "are resampled or weighted; tuned thresholds\nuse "
        f"{DEMO_INNER_FOLDS} inner folds). Every remedy, both classifiers, one "
        "seed: see the docs' benchmark page\nfor 58 datasets and 7 classifiers.",
        flush=True,
    )
    table = compare_remedies(X, y, seed=random_state, epochs=epochs)
    print(table.to_string())
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
