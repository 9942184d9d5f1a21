"""Summarise the second sweep (11 datasets, 5 folds): python s2_table.py"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
RUNS = {
    "global quantile, 2000 steps (before)": "s2_global_2000",
    "per-class quantile, 2000 steps (default)": "s2_perclass_2000",
    "per-class, 1000 steps": "s2_perclass_1000",
    "per-class, 1000 steps, lr 4e-4": "s2_perclass_1000_lr4e-4",
    "per-class, 1000 steps, lr 4e-4, batch 256": "s2_perclass_1000_lr4e-4_bs256",
}
NUMERIC = ["yeast4", "yeast6", "segment0", "winequality-red-4", "digits2"]


def markdown(frame: pd.DataFrame, index: bool = True) -> str:
    frame = frame.reset_index() if index else frame
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * frame.shape[1])
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.to_numpy()]
    return "\n".join(lines)


def load(folder):
    return (
        pd.read_csv(HERE / folder / "scores.csv"),
        pd.read_csv(HERE / folder / "resampling.csv"),
    )


def main():
    rows, per_dataset = [], {}
    for name, folder in RUNS.items():
        scores, resampling = load(folder)
        quality = resampling.groupby("dataset")[
            ["detectability_auc", "dcr_ratio", "fit_resample_s"]
        ].mean()
        rows.append(
            {
                "config": name,
                **scores[["balanced_accuracy", "gmean", "f1", "roc_auc"]]
                .mean()
                .round(3)
                .to_dict(),
                "detect_all": round(quality["detectability_auc"].mean(), 3),
                "detect_numeric": round(
                    quality.loc[NUMERIC, "detectability_auc"].mean(), 3
                ),
                "dcr": round(quality["dcr_ratio"].mean(), 3),
                "fit_s": round(quality["fit_resample_s"].mean(), 2),
            }
        )
        per_dataset[name] = (
            scores.groupby("dataset")["balanced_accuracy"].mean().round(3),
            quality["detectability_auc"].round(3),
        )
    print(markdown(pd.DataFrame(rows), index=False))
    for k, title in enumerate(["balanced accuracy", "detectability AUC"]):
        print(f"\n{title} per dataset\n")
        table = pd.DataFrame({n: v[k] for n, v in per_dataset.items()})
        table.columns = [f"({i + 1})" for i in range(len(RUNS))]
        print(markdown(table))
    base_scores, _ = load(RUNS["per-class quantile, 2000 steps (default)"])
    print("\nPaired differences against the default (dataset x fold x classifier)\n")
    for name, folder in RUNS.items():
        other, _ = load(folder)
        merged = base_scores.merge(
            other, on=["dataset", "fold", "classifier"], suffixes=("", "_o")
        )
        for metric in ["balanced_accuracy", "gmean", "roc_auc"]:
            d = merged[f"{metric}_o"] - merged[metric]
            if d.abs().sum() == 0:
                continue
            print(
                f"- {name}, {metric}: {d.mean():+.4f} "
                f"(SE {d.std() / np.sqrt(len(d)):.4f}), "
                f"better in {(d > 0).sum()}, worse in {(d < 0).sum()} of {len(d)}"
            )


if __name__ == "__main__":
    main()
