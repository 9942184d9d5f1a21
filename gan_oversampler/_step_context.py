"""What a training step works on, and what every kind of step offers.

The training loop (:func:`~._training.train_gans`) builds one
:class:`StepContext` per run and hands it to the step that
:func:`~._step_choice.choose_step` picked; the loop then only calls the
step's two methods of :class:`TrainingStep`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import torch

from ._draws import StepDraws
from ._losses import BatchRows, BCELoss, WGANGPLoss
from ._networks import Discriminator, Generator
from ._optim import FlatAdam

__all__ = ["StepContext", "TrainingStep"]


@dataclass(frozen=True)
class StepContext:
    """The networks, optimisers, batch and statistics of one training run.

    Parameters
    ----------
    gen : Generator
        Stacked generators, optimised by ``opt_g``.
    disc : Discriminator
        Stacked discriminators, optimised by ``opt_d``.
    opt_g, opt_d : FlatAdam
        Their optimisers (the gradients are views of their flat buffers).
    loss : BCELoss or WGANGPLoss
        The adversarial loss.
    rows : BatchRows
        Which rows of the stacked batch count.
    draws : StepDraws
        Each step's batch, noise and Gumbel uniforms.
    stats : Tensor of shape (n_steps, n_stack, 4)
        Receives each step's (g_loss, d_loss, acc_real, acc_fake) per class.
    generator : torch.Generator
        The run's random source, on the training device.
    """

    gen: Generator
    disc: Discriminator
    opt_g: FlatAdam
    opt_d: FlatAdam
    loss: BCELoss | WGANGPLoss
    rows: BatchRows
    draws: StepDraws
    stats: torch.Tensor
    generator: torch.Generator


class TrainingStep(Protocol):
    """One kind of training step: built from a context, then called in order.

    Attributes
    ----------
    capturable : bool
        Whether the optimisers must be built with ``capturable=True`` (the
        step is recorded in a CUDA graph).
    """

    capturable: ClassVar[bool]

    def __init__(self, context: StepContext) -> None: ...

    def __call__(self, step: int) -> None:
        """Take step number ``step`` (counted from 0, taken in order)."""

    def flush(self, n_steps: int) -> None:
        """Make ``stats`` hold the statistics of the first ``n_steps`` steps."""
