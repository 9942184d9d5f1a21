import sys, pandas as pd
parts = []
for n, lab in [("baselines", None), (sys.argv[1], sys.argv[2])]:
    s = pd.read_csv(f"/tmp/sweep/{n}/scores.csv")
    if lab: s["method"] = lab
    parts.append(s)
s = pd.concat(parts); s = s[s.method != "adasyn"]
print("| metric | " + " | ".join(sorted(s.method.unique())) + " |"); print("|---" * (1 + s.method.nunique()) + "|")
for m in ["balanced_accuracy", "f1", "gmean", "roc_auc"]:
    cell = s.groupby(["dataset", "classifier", "method"])[m].mean().unstack()
    r = cell.rank(axis=1, ascending=False).mean()
    print(f"| {m} | " + " | ".join(f"{r[k]:.2f}" for k in sorted(r.index)) + " |")
