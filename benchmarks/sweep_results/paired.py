import sys, pandas as pd
def load(n):
    s = pd.read_csv(f"/tmp/sweep/{n}/scores.csv"); s = s[s.method == "gan"]
    return s.set_index(["dataset", "fold", "classifier"])[["balanced_accuracy", "gmean"]]
b = load("base")
print("| config vs base | Δ bal_acc | cells better/worse (of 48) | Δ G-mean | cells better/worse |")
print("|---|---|---|---|---|")
for n in sys.argv[1:]:
    try: c = load(n)
    except FileNotFoundError: continue
    d = (c - b).dropna()
    ba, g = d.balanced_accuracy, d.gmean
    print(f"| {n} | {ba.mean():+.3f} | {(ba>1e-9).sum()}/{(ba<-1e-9).sum()} | {g.mean():+.3f} | {(g>1e-9).sum()}/{(g<-1e-9).sum()} |")
