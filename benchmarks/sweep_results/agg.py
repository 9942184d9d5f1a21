import sys, os, json, pandas as pd
def md(df):
    df=df.reset_index(); cols=list(df.columns)
    out=["| "+" | ".join(map(str,cols))+" |","|"+"---|"*len(cols)]
    for _,r in df.iterrows(): out.append("| "+" | ".join(f"{v:.3f}" if isinstance(v,float) else str(v) for v in r)+" |")
    return "\n".join(out)
root = "/tmp/sweep"
names = sys.argv[1:]
rows = []
per_ds = {}
for n in names:
    p = os.path.join(root, n)
    if not os.path.exists(os.path.join(p, "scores.csv")):
        continue
    s = pd.read_csv(os.path.join(p, "scores.csv")); r = pd.read_csv(os.path.join(p, "resampling.csv"))
    s = s[s.dataset.isin(["yeast4","abalone9-18","car-good","german"])]
    r = r[r.dataset.isin(["yeast4","abalone9-18","car-good","german"])]
    for m, sm in s.groupby("method"):
        rm = r[r.method == m]
        label = n if n != "baselines" else m
        rows.append(dict(config=label, bal_acc=sm.balanced_accuracy.mean(), gmean=sm.gmean.mean(),
                         f1=sm.f1.mean(), roc_auc=sm.roc_auc.mean(),
                         detect_auc=rm.detectability_auc.mean(), marg_fid=rm.marginal_fidelity.mean(),
                         dcr=rm.dcr_ratio.mean(), fit_s_per_fold=rm.fit_resample_s.mean(),
                         n_fail=(rm.status != "ok").sum()))
        per_ds[label] = sm.groupby("dataset").balanced_accuracy.mean()
t = pd.DataFrame(rows).set_index("config")
print(md(t))
print()
print("Balanced accuracy per dataset (mean over folds x classifiers)")
print(md(pd.DataFrame(per_ds).T))
