#!/usr/bin/env python
"""Average methods' scores over their own seeds, and redo the statistics.

    python benchmarks/seed_average.py REFERENCE_DIR OUT_DIR RERUN_DIR [RERUN_DIR ...]

Each ``RERUN_DIR`` is the output of ``run.py --gan-seed N`` (GAN methods)
or ``run.py --sampler-seed N`` (the other oversamplers) on the same folds,
seed and classifiers as ``REFERENCE_DIR``, with some of its methods (say
``--methods gan``), on all of its datasets. After such a rerun, a rerun of
the same method at the same seed on some of the datasets may follow on the
command line: its rows replace the earlier one's on its datasets (a change
that can only affect those). Anything else (a method at a seed twice on
every dataset, or on some datasets first) is refused. For every method a
rerun holds, the scores have, per dataset, fold and classifier, the mean of
that method's scores over the reference and the reruns that hold it; every other
method's scores are the reference's, untouched (the folds and the other
samplers do not depend on the GAN's seed); only the averaged methods' rows
are written, as ``averaged_scores.csv``. A method that depends on the GAN
(its name starts with ``gan``, as ``gan_tt``) but is in no rerun is left out,
since its scores are one seed's. ``OUT_DIR/config.json`` is the reference's,
with the seeds each averaged method was run at and the methods left out under
``"seed_average"``; ``stats.md``, ``stats.rst``, ``stats.csv`` and the
``cd_*.png`` diagrams are then written from the averaged scores.

An average over seeds is the score one should expect from a seed chosen
without looking, which a single seed (and above all the one the defaults
were chosen on) is not. It is also less spread out than a single run, which
shrinks the worst per-dataset gaps: read the goal check's "worst dataset"
column with that in mind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import stats

_SAME = ("classifiers", "folds", "inner_folds", "seed", "gan_params")
_KEYS = ["dataset", "fold", "method", "classifier"]


def _method_seed(config: dict, method: str) -> int:
    """A method's seed in a run: ``--gan-seed`` for the GAN methods (their
    names start with ``gan``), ``--sampler-seed`` for the others, and
    ``--seed`` where the run predates the option."""
    key = "gan_seed" if method.startswith("gan") else "sampler_seed"
    seed = config.get(key)
    return config["seed"] if seed is None else seed


def average(reference: Path, reruns: list[Path]) -> tuple[pd.DataFrame, dict]:
    """The reference's scores with the reruns' methods averaged over seeds.

    Parameters
    ----------
    reference : Path
        A full run of ``run.py``.
    reruns : list of Path
        Runs of ``run.py --gan-seed N`` or ``--sampler-seed N`` on the
        reference's datasets, folds and classifiers, each method at another
        seed of its own.

    Returns
    -------
    scores : DataFrame
        The averaged scores, in the reference's row order.
    config : dict
        The reference's configuration, with ``"seed_average"`` added.
    """
    config = json.loads((reference / "config.json").read_text())
    scores = pd.read_csv(reference / "scores.csv")
    reference_seeds = {m: _method_seed(config, m) for m in config["methods"]}
    runs: dict[str, dict[int, pd.DataFrame]] = {}
    for rerun in reruns:
        other = json.loads((rerun / "config.json").read_text())
        for key in _SAME:
            if other[key] != config[key]:
                raise SystemExit(f"{rerun}: {key} differs from the reference's")
        datasets = set(other["datasets"])
        if not datasets <= set(config["datasets"]):
            raise SystemExit(f"{rerun}: holds datasets the reference does not")
        new = pd.read_csv(rerun / "scores.csv")
        for method in other["methods"]:
            if not (scores["method"] == method).any():
                raise SystemExit(f"{rerun}: {method} is not in the reference")
            seed = _method_seed(other, method)
            if seed == reference_seeds[method]:
                raise SystemExit(
                    f"{rerun}: {method} at the reference's seed {seed} (put it "
                    "in the reference with replace_methods.py)"
                )
            by_seed = runs.setdefault(
                method, {reference_seeds[method]: scores[scores["method"] == method]}
            )
            part = new[new["method"] == method]
            complete = datasets == set(config["datasets"])
            if seed in by_seed:
                if complete:
                    raise SystemExit(
                        f"{rerun}: {method} at seed {seed} again, on every dataset"
                    )
                # A rerun of some datasets replaces their rows.
                earlier = by_seed[seed]
                part = pd.concat(
                    [earlier[~earlier["dataset"].isin(datasets)], part],
                    ignore_index=True,
                )
            elif not complete:
                raise SystemExit(
                    f"{rerun}: {method} at seed {seed} on some datasets only: "
                    "list a rerun of every dataset at that seed before it"
                )
            by_seed[seed] = part
    seeds = {method: list(by_seed) for method, by_seed in runs.items()}
    metrics = [c for c in scores.columns if c not in _KEYS]
    for method, by_seed in runs.items():
        parts = list(by_seed.values())
        stacked = pd.concat(parts, ignore_index=True)
        grouped = stacked.groupby(_KEYS, sort=False)
        if (grouped.size() != len(parts)).any():
            raise SystemExit(f"{method}: the runs do not hold the same folds")
        # A score missing at one seed stays missing, not averaged over fewer.
        mean = grouped[metrics].mean().where(grouped[metrics].count() == len(parts))
        rows = scores["method"] == method
        index = pd.MultiIndex.from_frame(scores.loc[rows, _KEYS])
        scores.loc[rows, metrics] = mean.reindex(index).to_numpy()
    dropped = [
        m
        for m in config["methods"]
        if m.startswith("gan") and m not in runs and (scores["method"] == m).any()
    ]
    scores = scores[~scores["method"].isin(dropped)].reset_index(drop=True)
    config["methods"] = [m for m in config["methods"] if m not in dropped]
    config["seed_average"] = {"seeds": seeds, "left_out": dropped}
    return scores, config


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    reference, out = Path(argv[0]), Path(argv[1])
    scores, config = average(reference, [Path(p) for p in argv[2:]])
    config["seed_average"]["command"] = " ".join(
        ["python benchmarks/seed_average.py", *argv]
    )
    out.mkdir(parents=True, exist_ok=True)
    # Only the averaged rows are kept: the rest are the reference's.
    averaged = scores["method"].isin(config["seed_average"]["seeds"])
    scores[averaged].to_csv(out / "averaged_scores.csv", index=False)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(stats.write_stats(scores, out, labels=config.get("labels", {})))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
