"""Pair an experiment's scores with the reference run's GAN (issue 15 sweeps).

    python benchmarks/sweep_results/pair_with_reference.py SCORES.csv METHOD [REF_DIR]

Prints, over the 406 dataset x classifier cells (means over folds), the
experiment's mean against the reference GAN's with a two-sided Wilcoxon test
over the cells and over the per-dataset means (the cells of a dataset share
its synthetic rows, so only the second treats independent units as such),
the mean rank among the six other oversamplers of the reference run with the
experiment in the GAN's place, and the cells more than 0.02 below SMOTE.
``REF_DIR`` (default ``reference_results/full``) is the run to pair with:
``reference_results/gan_seeds`` pairs with the GAN's mean over three seeds,
the fair comparison for an idea whose training draws other random numbers
than the default's from the first step on.
"""

import sys
from pathlib import Path

import pandas as pd
from scipy.stats import wilcoxon

full = Path(__file__).parents[1] / "reference_results/full"
ref_dir = Path(sys.argv[3]) if len(sys.argv) > 3 else full
ref = pd.read_csv(full / "scores.csv")
if (ref_dir / "averaged_scores.csv").is_file():
    # A seed_average.py folder holds only the averaged methods' rows.
    averaged = pd.read_csv(ref_dir / "averaged_scores.csv")
    ref = pd.concat([ref[~ref.method.isin(averaged.method)], averaged])
elif ref_dir != full:
    ref = pd.read_csv(ref_dir / "scores.csv")
exp = pd.read_csv(sys.argv[1])
name = sys.argv[2]
exp = exp[exp.method == name]
metrics = ["balanced_accuracy", "gmean", "f1", "roc_auc", "ap"]
metrics = [m for m in metrics if m in exp.columns]
key = ["dataset", "classifier"]
g = ref[ref.method == "gan"].groupby(key)[metrics].mean()
e = exp.groupby(key)[metrics].mean()
g, e = g.loc[e.index.intersection(g.index)], e.loc[e.index.intersection(g.index)]
print(f"{len(e)} dataset x classifier blocks")
print(
    "| metric | GAN | exp | diff | better/worse | Wilcoxon p (cells) "
    "| Wilcoxon p (datasets) |"
)
for m in metrics:
    d = e[m] - g[m]
    p = wilcoxon(e[m], g[m]).pvalue if (d != 0).any() else 1.0
    # A dataset's cells share its synthetic rows, so they are not
    # independent: the test over per-dataset means is the honest one.
    per_dataset = d.groupby(level="dataset").mean()
    per_dataset = per_dataset[per_dataset.abs() > 1e-12]
    p_ds = wilcoxon(per_dataset).pvalue if len(per_dataset) else 1.0
    print(
        f"| {m} | {g[m].mean():.4f} | {e[m].mean():.4f} | {d.mean():+.4f} "
        f"| {(d > 1e-12).sum()}/{(d < -1e-12).sum()} | {p:.3g} | {p_ds:.3g} |"
    )
over = ["ros", "smote", "adasyn", "polyfit", "prowsyn", "smote_ipf"]
base = (
    ref[ref.method.isin(over)].groupby([*key, "method"])[metrics].mean().reset_index()
)
for label, gan_cells in (("GAN", g), ("exp", e)):
    cells = pd.concat([base, gan_cells.reset_index().assign(method="gan")])
    for m in ["balanced_accuracy", "gmean"]:
        t = cells.pivot_table(index=key, columns="method", values=m)
        r = t.rank(axis=1, ascending=False)
        per = r.groupby(level="classifier").mean()["gan"].round(2).to_dict()
        best = r.groupby(level="classifier").mean().idxmin(axis=1).to_dict()
        print(
            label,
            m,
            "all",
            round(r["gan"].mean(), 2),
            "best:",
            r.mean().idxmin(),
            per,
            "| best per clf:",
            best,
        )
s = ref[ref.method == "smote"].groupby(key)["balanced_accuracy"].mean().loc[e.index]
d = e["balanced_accuracy"] - s
print(
    "blocks < -0.02 vs SMOTE:",
    int((d < -0.02).sum()),
    "worst",
    d.idxmin(),
    round(d.min(), 3),
)
