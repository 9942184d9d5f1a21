#!/usr/bin/env python
"""Statistical comparison of the methods of a benchmark run.

Reads the per-fold scores of ``run.py`` (``scores.csv``) and, per metric and
comparison group, for each classifier alone (blocks = datasets), for all
classifiers together (``all``: blocks = dataset x classifier) and for the
datasets (``datasets``: one block per dataset, its mean over the
classifiers; unlike ``all``'s, these blocks are independent), with the
per-dataset means over folds as block values:

* the Friedman test (:func:`scipy.stats.friedmanchisquare`);
* the mean rank of each method (1 = best; ties share the average rank);
* the two-sided Wilcoxon signed-rank test of every method against the GAN
  (:func:`scipy.stats.wilcoxon`), the p-values corrected with Holm's method
  over the comparisons of one table row
  (:func:`statsmodels.stats.multitest.multipletests`);
* a critical difference diagram (:func:`scikit_posthocs.critical_difference_diagram`;
  methods joined by a bar are not significantly different by the pairwise
  Wilcoxon tests, Holm-corrected over all pairs, of
  :func:`scikit_posthocs.posthoc_wilcoxon`).

Blocks in which a method has no score (it failed or was skipped on that
dataset) are left out of that comparison, and the number left out is shown.

Run ``python benchmarks/stats.py RESULTS_DIR`` to (re)compute ``stats.md``,
``stats.rst``, ``stats.csv`` and the ``cd_*.png`` diagrams from an existing
``RESULTS_DIR/scores.csv``; ``run.py`` calls :func:`write_stats` at its end.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

METRICS = {
    "balanced_accuracy": "Balanced accuracy",
    "gmean": "G-mean",
    "f1": "Minority F1",
    "roc_auc": "ROC AUC",
    "ap": "Average precision (AUPRC)",
}
REFERENCE = "gan"
"""Every other method of a group is tested against this one."""
ALPHA = 0.05
WORST_LIMIT = -0.02
"""Goal: GAN minus SMOTE is never below this on any dataset."""


@dataclass
class Group:
    title: str
    methods: list[str]
    metrics: list[str]
    goal_against: str | None = None
    goal_metrics: list[str] = field(default_factory=list)
    goal_pairs: list[tuple[str, str]] = field(default_factory=list)
    """``(method, baseline)`` pairs: the goal is ``method`` above ``baseline``."""


GROUPS = {
    "oversamplers": Group(
        "Oversamplers",
        ["ros", "smote", "adasyn", "polyfit", "prowsyn", "smote_ipf", "gan"],
        list(METRICS),
        goal_against="smote",
        goal_metrics=["balanced_accuracy", "gmean"],
    ),
    "baselines": Group(
        "Baselines: class weights and tuned thresholds",
        ["cw", "cw_tt", "gan_tt", "gan_in_tt", "gan"],
        ["balanced_accuracy", "gmean", "ap"],
        goal_metrics=["balanced_accuracy", "gmean", "ap"],
        goal_pairs=[("gan_in_tt", "cw_tt"), ("gan_tt", "cw_tt")],
    ),
}
"""Comparison groups: (a) the oversamplers; (b) the GAN against class weights
and threshold tuning."""


# ----------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------


TIE_DECIMALS = 12
"""Block values are rounded to this many decimals before ranking and testing."""


def block_table(
    scores: pd.DataFrame,
    methods: list[str],
    metric: str,
    classifier: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """Blocks x methods table of means over folds, and the blocks dropped.

    Blocks are datasets (one ``classifier``) or dataset x classifier pairs
    (``classifier=None``).  A (block, method) cell with a missing fold score
    is missing; blocks with a missing cell are dropped.
    """
    frame = scores[scores["method"].isin(methods)]
    if classifier is not None:
        frame = frame[frame["classifier"] == classifier]
    keys = ["dataset", "classifier", "method"]
    grouped = frame.groupby(keys, sort=False)[metric]
    # Rounded so that equal scores rank as ties whatever the order they were
    # summed in (a mean over GAN seeds is summed differently from one run).
    means = grouped.mean().round(TIE_DECIMALS)
    means = means.where(grouped.count() == grouped.size())
    table = means.unstack("method").reindex(columns=methods)
    complete = table.dropna()
    if classifier is not None:
        complete = complete.droplevel("classifier")
    return complete, len(table) - len(complete)


DATASET_MEANS = "datasets"
"""The scope whose blocks are datasets, each the mean over its classifiers.

A dataset's classifier cells share its folds and its synthetic rows, so the
``all`` scope's dataset x classifier blocks are not independent; this scope's
blocks are."""


def scopes(scores: pd.DataFrame) -> list[str]:
    """Each classifier alone, then ``all`` and :data:`DATASET_MEANS`."""
    return [*dict.fromkeys(scores["classifier"]), "all", DATASET_MEANS]


def scope_table(
    scores: pd.DataFrame, methods: list[str], metric: str, scope: str
) -> tuple[pd.DataFrame, int]:
    """:func:`block_table` of one scope (a classifier, ``all`` or datasets)."""
    if scope == DATASET_MEANS:
        table, _ = block_table(scores, methods, metric)
        by_dataset = table.groupby(level="dataset", sort=False)
        # A dataset counts only with every classifier's block complete.
        rows = scores[scores["method"].isin(methods)]
        whole = by_dataset.size() == rows["classifier"].nunique()
        complete = by_dataset.mean().round(TIE_DECIMALS)[whole]
        n_datasets = rows["dataset"].nunique()
        return complete, n_datasets - len(complete)
    return block_table(scores, methods, metric, None if scope == "all" else scope)


def _wilcoxon(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import wilcoxon

    if len(a) == 0:
        return np.nan
    if not np.any(a != b):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(wilcoxon(a, b, zero_method="wilcox").pvalue)


def _holm(pvalues: list[float]) -> list[float]:
    from statsmodels.stats.multitest import multipletests

    values = np.asarray(pvalues, dtype=float)
    out = np.full(len(values), np.nan)
    finite = np.isfinite(values)
    if finite.any():
        out[finite] = multipletests(values[finite], method="holm")[1]
    return out.tolist()


def _friedman(table: pd.DataFrame) -> tuple[float, float]:
    from scipy.stats import friedmanchisquare

    if len(table) < 2 or table.shape[1] < 3:
        return np.nan, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = friedmanchisquare(*[table[c].to_numpy() for c in table.columns])
    return float(result.statistic), float(result.pvalue)


def compare(table: pd.DataFrame, reference: str = REFERENCE) -> pd.DataFrame:
    """Per method: mean rank, Wilcoxon p (raw and Holm) vs ``reference``."""
    ranks = table.rank(axis=1, ascending=False, method="average")
    rows = []
    ref = table[reference].to_numpy() if reference in table else None
    others = [m for m in table.columns if m != reference]
    raw = []
    for method in table.columns:
        values = table[method].to_numpy()
        row = {
            "method": method,
            "mean": float(values.mean()) if len(values) else np.nan,
            "mean_rank": float(ranks[method].mean()) if len(ranks) else np.nan,
        }
        if ref is not None and method != reference:
            diff = ref - values
            row |= {
                "diff_vs_ref": float(diff.mean()) if len(diff) else np.nan,
                "wins": int((diff > 0).sum()),
                "ties": int((diff == 0).sum()),
                "losses": int((diff < 0).sum()),
            }
            raw.append(_wilcoxon(ref, values))
        rows.append(row)
    out = pd.DataFrame(rows).set_index("method")
    if ref is not None and others:
        out.loc[others, "p_raw"] = raw
        out.loc[others, "p_holm"] = _holm(raw)
    return out


def pairwise_holm(table: pd.DataFrame) -> pd.DataFrame:
    """All-pairs Wilcoxon p-values, Holm-corrected (scikit-posthocs)."""
    import scikit_posthocs as sp

    long = table.reset_index(drop=True).melt(var_name="method", value_name="value")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matrix = sp.posthoc_wilcoxon(
            long, val_col="value", group_col="method", p_adjust="holm"
        )
    return matrix.reindex(index=table.columns, columns=table.columns).fillna(1.0)


def analyse(scores: pd.DataFrame) -> pd.DataFrame:
    """Every number of the report, one row per group/metric/scope/method."""
    present = set(scores["method"])
    rows = []
    for group_name, group in GROUPS.items():
        methods = [m for m in group.methods if m in present]
        if REFERENCE not in methods or len(methods) < 3:
            continue
        for metric in group.metrics:
            for scope in scopes(scores):
                table, dropped = scope_table(scores, methods, metric, scope)
                chi2, p_friedman = _friedman(table)
                result = compare(table)
                for method, values in result.iterrows():
                    rows.append(
                        {
                            "group": group_name,
                            "metric": metric,
                            "scope": scope,
                            "n_blocks": len(table),
                            "n_dropped": dropped,
                            "friedman_chi2": chi2,
                            "friedman_p": p_friedman,
                            "method": method,
                            **values.to_dict(),
                        }
                    )
    return pd.DataFrame(rows)


def worst_datasets(
    scores: pd.DataFrame, metric: str, against: str = "smote"
) -> pd.DataFrame:
    """Per classifier (and over all blocks): the dataset where GAN - other is
    lowest, its value, and how many datasets are below :data:`WORST_LIMIT`."""
    rows = []
    for scope in scopes(scores):
        table, _ = scope_table(scores, [REFERENCE, against], metric, scope)
        if table.empty:
            continue
        diff = table[REFERENCE] - table[against]
        where = diff.idxmin()
        name = f"{where[0]} / {where[1]}" if scope == "all" else where
        rows.append(
            {
                "scope": scope,
                "worst": float(diff.min()),
                "dataset": name,
                "n_below": int((diff < WORST_LIMIT).sum()),
                "n_blocks": len(diff),
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------


def _p(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    if value < 0.001:
        return f"{value:.1e}"
    return f"{value:.3f}"


def _md(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _rst_cell(text: str) -> str:
    """A list-table cell; a leading ``-``/``+``/``*`` would start a list."""
    if not text:
        return "\\ "
    if text[0] in "-+*" and (len(text) == 1 or text[1] == " "):
        return "\\" + text
    return text


def _rst(header: list[str], rows: list[list[str]], title: str = "") -> str:
    lines = [f".. list-table:: {title}".rstrip(), "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {_rst_cell(row[0])}")
        lines += [f"     - {_rst_cell(c)}" for c in row[1:]]
    return "\n".join(lines)


class _Report:
    """Collects headings, text and tables for Markdown and reST at once."""

    def __init__(self):
        self.md: list[str] = []
        self.rst: list[str] = []

    def heading(self, text: str, level: int) -> None:
        self.md += ["#" * level + " " + text, ""]
        # "=" and "-" are docs/benchmark.rst's own levels: after its first
        # three lines (the title) this file nests under one of its sections.
        mark = {1: "=", 2: "~", 3: "^", 4: '"'}[level]
        self.rst += [text, mark * len(text), ""]

    def text(self, text: str) -> None:
        self.md += [text, ""]
        self.rst += [text.replace("`", "``"), ""]

    def table(self, header, rows, title: str = "") -> None:
        if title:
            self.md += [f"**{title}**", ""]
        self.md += [_md(header, rows), ""]
        self.rst += [_rst(header, rows, title), ""]

    def image(self, path: str, alt: str) -> None:
        # Markdown only: an included reST file's image paths would be taken
        # relative to the including page, so docs/benchmark.rst names them.
        self.md += [f"![{alt}]({path})", ""]


def _cd_figure(scores, group, methods, metric, labels, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import scikit_posthocs as sp

    panels = scopes(scores)
    cmap = plt.get_cmap("tab10")
    colours = {labels.get(m, m): cmap(i % 10) for i, m in enumerate(methods)}
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, 1.7 * len(panels)), squeeze=False
    )
    for ax, scope in zip(axes[:, 0], panels, strict=True):
        table, _ = scope_table(scores, methods, metric, scope)
        if len(table) < 2:
            ax.set_visible(False)
            continue
        ranks = table.rank(axis=1, ascending=False, method="average").mean()
        matrix = pairwise_holm(table)
        names = {m: labels.get(m, m) for m in table.columns}
        ranks.index = [names[m] for m in ranks.index]
        matrix.index = [names[m] for m in matrix.index]
        matrix.columns = [names[m] for m in matrix.columns]
        _, p = _friedman(table)
        sp.critical_difference_diagram(
            ranks,
            matrix,
            ax=ax,
            alpha=ALPHA,
            label_fmt_left="{label} ({rank:.2f})",
            label_fmt_right="({rank:.2f}) {label}",
            label_props={"fontsize": 8},
            color_palette={n: colours[n] for n in ranks.index},
        )
        what = {"all": "all classifiers", DATASET_MEANS: "dataset means"}.get(
            scope, scope
        )
        ax.set_title(
            f"{what}: {len(table)} blocks, Friedman p = {_p(p)}", fontsize=9, loc="left"
        )
    fig.suptitle(f"{group.title}: {METRICS[metric]} (mean rank, 1 = best)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_stats(
    scores: pd.DataFrame,
    out_dir: Path,
    labels: dict[str, str] | None = None,
    figures: bool = True,
) -> str:
    """Write ``stats.md``, ``stats.rst``, ``stats.csv`` and ``cd_*.png``."""
    out_dir = Path(out_dir)
    labels = dict(labels or {})
    results = analyse(scores)
    results.to_csv(out_dir / "stats.csv", index=False)
    report = _Report()
    report.heading("Statistical comparison", 1)
    n_datasets = scores["dataset"].nunique()
    classifiers = list(dict.fromkeys(scores["classifier"]))
    report.text(
        f"{n_datasets} datasets, classifiers {', '.join(classifiers)}.  Block "
        "values are the per-dataset means over folds; each classifier alone "
        "has one block per dataset, `all` one per dataset x classifier, and "
        f"`{DATASET_MEANS}` one per dataset, the mean over its classifiers (a "
        "dataset's classifiers share its synthetic rows, so only "
        f"`{DATASET_MEANS}`'s blocks are independent across classifiers).  "
        f"Mean ranks: 1 = best.  Friedman: does any method differ?  `p vs GAN`: "
        "two-sided Wilcoxon signed-rank test of the GAN against each method, "
        "Holm-corrected within the row; `+` = the GAN's mean is higher, `-` = "
        f"lower.  Significance level {ALPHA}."
    )
    if results.empty:
        report.text("No comparison group could be formed from these methods.")
    for group_name, group in GROUPS.items():
        part = results[results["group"] == group_name] if len(results) else results
        if part.empty:
            continue
        methods = list(dict.fromkeys(part["method"]))
        names = [labels.get(m, m) for m in methods]
        report.heading(group.title, 2)
        missing = [m for m in group.methods if m not in methods]
        if missing:
            report.text(f"Not in this run: {', '.join(missing)}.")
        if group.goal_against and group.goal_against in methods:
            _goal_section(report, scores, part, group, labels)
        for pair in group.goal_pairs:
            if set(pair) <= set(methods):
                _pair_goal_section(report, scores, group, pair, labels)
        for metric in group.metrics:
            rows_rank, rows_p = [], []
            for scope, sub in part[part["metric"] == metric].groupby(
                "scope", sort=False
            ):
                sub = sub.set_index("method").reindex(methods)
                best = sub["mean_rank"].min()
                head = [scope, str(int(sub["n_blocks"].iloc[0]))]
                if sub["n_dropped"].iloc[0]:
                    head[1] += f" ({int(sub['n_dropped'].iloc[0])} dropped)"
                ranks = [
                    (f"**{v:.2f}**" if np.isclose(v, best) else f"{v:.2f}")
                    if np.isfinite(v)
                    else "-"
                    for v in sub["mean_rank"]
                ]
                rows_rank.append([*head, _p(sub["friedman_p"].iloc[0]), *ranks])
                cells = []
                for method in methods:
                    if method == REFERENCE:
                        continue
                    p, d = sub.loc[method, "p_holm"], sub.loc[method, "diff_vs_ref"]
                    sign = "+" if d > 0 else ("-" if d < 0 else "=")
                    text = f"{_p(p)} ({sign})"
                    cells.append(f"**{text}**" if p < ALPHA else text)
                rows_p.append([scope, *cells])
            title = METRICS[metric]
            report.heading(title, 3)
            report.table(
                ["scope", "blocks", "Friedman p", *names],
                rows_rank,
                f"{title}: mean ranks",
            )
            others = [labels.get(m, m) for m in methods if m != REFERENCE]
            report.table(
                ["scope", *others],
                rows_p,
                f"{title}: Holm-corrected Wilcoxon p vs GAN",
            )
            if figures:
                png = f"cd_{group_name}_{metric}.png"
                _cd_figure(scores, group, methods, metric, labels, out_dir / png)
                report.image(png, f"critical difference diagram, {title}")
    text = "\n".join(report.md)
    (out_dir / "stats.md").write_text(text, encoding="utf-8")
    (out_dir / "stats.rst").write_text("\n".join(report.rst), encoding="utf-8")
    return text


def _goal_section(report, scores, part, group, labels) -> None:
    against = group.goal_against
    name = labels.get(against, against)
    report.heading(f"Goal check: GAN against {name}", 3)
    metrics = " and ".join(METRICS[m] for m in group.goal_metrics)
    report.text(
        f"Goal, per classifier, on {metrics}: "
        f"the GAN has mean rank 1 among the oversamplers, beats {name} with "
        f"Holm-corrected p < {ALPHA}, and GAN - {name} is never below "
        f"{WORST_LIMIT} on a dataset (worst dataset shown, and how many are "
        "below)."
    )
    header = ["scope"]
    for metric in group.goal_metrics:
        short = METRICS[metric]
        header += [
            f"{short}: GAN rank",
            f"p vs {name}",
            f"worst GAN - {name}",
            "met",
        ]
    rows = []
    for scope in part["scope"].drop_duplicates():
        row = [scope]
        for metric in group.goal_metrics:
            sub = part[(part["metric"] == metric) & (part["scope"] == scope)]
            sub = sub.set_index("method")
            order = sub["mean_rank"].rank(method="min")
            place = int(order[REFERENCE])
            p = sub.loc[against, "p_holm"]
            better = sub.loc[against, "diff_vs_ref"] > 0
            worst = worst_datasets(scores, metric, against)
            worst = worst[worst["scope"] == scope].iloc[0]
            met = place == 1 and p < ALPHA and better and worst["worst"] >= WORST_LIMIT
            row += [
                f"{place} ({sub.loc[REFERENCE, 'mean_rank']:.2f})",
                f"{_p(p)} ({'+' if better else '-'})",
                f"{worst['worst']:+.3f} {worst['dataset']} "
                f"({worst['n_below']}/{worst['n_blocks']} below)",
                "yes" if met else "no",
            ]
        rows.append(row)
    report.table(header, rows, f"GAN against {name}")


def _pair_goal_section(report, scores, group, pair, labels) -> None:
    method, baseline = pair
    name, base = labels.get(method, method), labels.get(baseline, baseline)
    report.heading(f"Goal check: {name} against {base}", 3)
    metrics = ", ".join(METRICS[m] for m in group.goal_metrics)
    report.text(
        f"Goal, per scope, on {metrics}: {name} is above {base}.  Shown: the "
        f"mean of {name} - {base} over the blocks, how many blocks {name} is "
        f"above, and the two-sided Wilcoxon signed-rank p of this one "
        f"comparison (not corrected); met = above with p < {ALPHA}."
    )
    header = ["scope"]
    for metric in group.goal_metrics:
        header += [f"{METRICS[metric]}: {name} - {base}", "p", "met"]
    rows = []
    for scope in scopes(scores):
        row = [scope]
        for metric in group.goal_metrics:
            table, _ = scope_table(scores, [method, baseline], metric, scope)
            if table.empty:
                row += ["-", "-", "-"]
                continue
            diff = table[method] - table[baseline]
            p = _wilcoxon(table[method].to_numpy(), table[baseline].to_numpy())
            met = diff.mean() > 0 and p < ALPHA
            row += [
                f"{diff.mean():+.4f} ({int((diff > 0).sum())}/{len(diff)} above)",
                _p(p),
                "yes" if met else "no",
            ]
        rows.append(row)
    report.table(header, rows, f"{name} against {base}")


def _labels_from(config: Path) -> dict[str, str]:
    if config.is_file():
        return json.loads(config.read_text()).get("labels", {})
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="folder with scores.csv")
    parser.add_argument("--no-figures", dest="figures", action="store_false")
    args = parser.parse_args(argv)
    scores = pd.read_csv(args.results / "scores.csv")
    labels = _labels_from(args.results / "config.json")
    text = write_stats(scores, args.results, labels=labels, figures=args.figures)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
