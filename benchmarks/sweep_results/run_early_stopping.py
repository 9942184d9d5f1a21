"""Run the harness with another early-stopping schedule or criterion.

Environment: PATIENCE (evaluations without a 1% improvement before stopping;
the package's default is 10) and CORRELATION=1 to add the mean absolute
difference between the real and generated rows' correlation matrices to the
marginal distance. Usage:

    PATIENCE=5 python benchmarks/sweep_results/run_early_stopping.py \
        benchmarks/run.py --methods gan --gan-param early_stopping=True \
        --out /tmp/sweep/patience5
"""

import os
import runpy
import sys

import torch

import gan_oversampler._training as training

if "PATIENCE" in os.environ:
    training.PATIENCE = int(os.environ["PATIENCE"])
if os.environ.get("CORRELATION") == "1":
    marginal = training.marginal_distance

    def _correlation(rows: torch.Tensor) -> torch.Tensor:
        centred = rows - rows.mean(0, keepdim=True)
        unit = centred / centred.norm(dim=0, keepdim=True).clamp_min(1e-6)
        return unit.T @ unit

    def _distance(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        gap = (_correlation(real) - _correlation(fake)).abs().mean()
        return marginal(real, fake) + gap

    training.marginal_distance = _distance
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
