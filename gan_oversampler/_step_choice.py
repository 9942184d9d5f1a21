"""Which kind of training step a run takes: decided here, and only here.

``TrainingConfig.step`` names the kind; ``"auto"`` (what the sampler uses)
picks the fastest one that computes the configured step on the device:

* :class:`~._manual_step.ManualBCEStep` on the CPU with the ``"bce"`` loss:
  hand-written gradients, the same step in less than half the time;
* :class:`~._cuda_graph_step.CUDAGraphStep` on a GPU whose torch can record
  a generator in a CUDA graph;
* :class:`~._autograd_step.AutogradStep` otherwise.

Tests and benchmarks name a kind to compare them.
"""

from __future__ import annotations

import torch

from ._autograd_step import AutogradStep
from ._cuda_graph_step import CUDAGraphStep, cuda_graphs_available
from ._manual_step import ManualBCEStep
from ._step_context import TrainingStep
from ._training_plan import TrainingConfig

__all__ = ["STEP_KINDS", "choose_step"]

#: The names ``TrainingConfig.step`` accepts.
STEP_KINDS = ("auto", "autograd", "manual", "cuda-graph")


def choose_step(config: TrainingConfig, device: torch.device) -> type[TrainingStep]:
    """The class of the training steps a run takes.

    Parameters
    ----------
    config : TrainingConfig
        Its ``step`` names the kind (``"auto"`` picks as the module doc
        says); its ``loss`` is the adversarial loss.
    device : torch.device
        The training device.

    Returns
    -------
    type
        :class:`~._autograd_step.AutogradStep`,
        :class:`~._manual_step.ManualBCEStep` or
        :class:`~._cuda_graph_step.CUDAGraphStep`.

    Raises
    ------
    ValueError
        For an unknown kind, or one that cannot run the loss on the device.
    """
    kind, loss = config.step, config.loss
    manual = loss == "bce" and device.type == "cpu"
    graphs = cuda_graphs_available(device)
    if kind == "auto":
        if manual:
            return ManualBCEStep
        return CUDAGraphStep if graphs else AutogradStep
    if kind == "autograd":
        return AutogradStep
    if kind == "manual" and manual:
        return ManualBCEStep
    if kind == "cuda-graph" and graphs:
        return CUDAGraphStep
    if kind in STEP_KINDS:
        raise ValueError(
            f"The {kind!r} training step cannot train the {loss!r} loss on "
            f"device {device}."
        )
    raise ValueError(f"Unknown training step {kind!r}; use one of {STEP_KINDS}.")
