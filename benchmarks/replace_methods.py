#!/usr/bin/env python
"""Put a rerun's methods into a full run's results, and redo its reports.

    python benchmarks/replace_methods.py REFERENCE_DIR RERUN_DIR

``RERUN_DIR`` is the output of ``run.py`` on the same folds, seed and
classifiers as ``REFERENCE_DIR`` but with only some methods (say ``--methods
gan gan_tt`` after a change to the GAN's defaults), on all of its datasets or
some (a change that can only affect those). Its rows replace those methods'
rows on its datasets in the reference's ``scores.csv``, ``resampling.csv``
and ``classifiers.csv``; ``summary.md``, ``summary.png`` and the statistics are
then written again from the merged scores, and ``config.json`` records the
rerun (its command, versions, time and, for some datasets, which) under
``"replaced"``. A method the reference does not hold yet is added (on all of
its datasets only), and listed under ``"added"``. Every other
method's scores are untouched: each method's results depend only on the
datasets, folds, seed and classifiers, not on which other methods ran.
A rerun kept with only some of its methods' rows (its ``config.json`` still
lists every method its command ran) replaces only the methods in its
``scores.csv``.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import run
import stats

_SAME = ("datasets", "classifiers", "folds", "inner_folds", "seed")


def main(argv: list[str]) -> int:
    reference, rerun = Path(argv[0]), Path(argv[1])
    ref_config = json.loads((reference / "config.json").read_text())
    new_config = json.loads((rerun / "config.json").read_text())
    for key in _SAME:
        if ref_config[key] != new_config[key] and key != "datasets":
            raise SystemExit(f"{key} differs: {ref_config[key]} vs {new_config[key]}")
    for key in ("gan_seed", "sampler_seed"):
        # Runs from before these options existed used --seed for everything.
        ours, theirs = (
            ref_config["seed"] if c.get(key) is None else c[key]
            for c in (ref_config, new_config)
        )
        if ours != theirs:
            raise SystemExit(f"{key} differs: {ours} vs {theirs}")
    datasets = set(new_config["datasets"])
    if not datasets <= set(ref_config["datasets"]):
        raise SystemExit("the rerun holds datasets the reference does not")
    # The methods the rerun holds rows for: a kept run may have been trimmed
    # to some of the methods its command ran (its config says so).
    held = set(pd.read_csv(rerun / "scores.csv", usecols=["method"])["method"])
    if unlisted := held - set(new_config["methods"]):
        raise SystemExit(f"rows for methods its config lacks: {sorted(unlisted)}")
    methods = [m for m in new_config["methods"] if m in held]
    if not methods:
        raise SystemExit(f"{rerun / 'scores.csv'} holds no rows")
    added = [m for m in methods if m not in ref_config["methods"]]
    if added and datasets != set(ref_config["datasets"]):
        raise SystemExit(f"{', '.join(added)}: a new method needs every dataset")
    for name in ("scores", "resampling", "classifiers"):
        old = pd.read_csv(reference / f"{name}.csv")
        new = pd.read_csv(rerun / f"{name}.csv")
        new = new[new["method"].isin(methods)]
        replaced = old["method"].isin(methods) & old["dataset"].isin(datasets)
        kept = old[~replaced]
        merged = pd.concat([kept, new], ignore_index=True)
        merged.to_csv(reference / f"{name}.csv", index=False)
    ref_config.setdefault("replaced", []).append(
        {
            key: new_config[key]
            for key in (
                "command",
                "methods",
                "gan_params",
                "gan_seed",
                "sampler_seed",
                "versions",
                "total_s",
            )
            # gan_seed since session 12, sampler_seed since session 16
            if key not in ("gan_seed", "sampler_seed") or key in new_config
        }
    )
    ref_config["replaced"][-1]["methods"] = methods
    if datasets != set(ref_config["datasets"]):
        ref_config["replaced"][-1]["datasets"] = new_config["datasets"]
    if added:
        ref_config["replaced"][-1]["added"] = added
        ref_config["methods"] = [*ref_config["methods"], *added]
        ref_config["labels"] = {m: run.METHODS[m].label for m in ref_config["methods"]}
    (reference / "config.json").write_text(json.dumps(ref_config, indent=2) + "\n")

    args = run.parse_args(shlex.split(ref_config["command"])[2:])
    args.out = reference
    args.methods = ref_config["methods"]  # with any added since the command
    scores = pd.read_csv(reference / "scores.csv")
    # Empty text fields read back as NaN; run.py wrote them as "".
    resampling = pd.read_csv(reference / "resampling.csv")
    resampling[["message", "warnings"]] = resampling[["message", "warnings"]].fillna("")
    classifiers = pd.read_csv(reference / "classifiers.csv")
    classifiers[["warnings", "note"]] = classifiers[["warnings", "note"]].fillna("")
    infos = pd.read_csv(reference / "datasets.csv").to_dict("records")
    run.write_summary(
        scores, resampling, classifiers, infos, args, reference / "summary.md"
    )
    run.write_figure(scores, resampling, args, reference / "summary.png")
    labels = {m: run.METHODS[m].label for m in run.METHODS}
    print(stats.write_stats(scores, reference, labels=labels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
