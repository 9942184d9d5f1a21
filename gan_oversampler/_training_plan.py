"""What a training run will do: its settings and each class's step budget.

The sampler resolves its hyper-parameters into a :class:`TrainingConfig`;
:func:`plan` turns it into a class's batch size, steps per epoch and epochs.
The training loop, the step choice and the sampler's grouping of classes by
step budget all read these, so they live below all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AUTO_STEPS", "TrainingConfig", "auto_epochs", "plan", "planned_steps"]

#: Optimiser steps that ``epochs="auto"`` aims for.
AUTO_STEPS = 2000


@dataclass(frozen=True)
class TrainingConfig:
    """Resolved network sizes and optimisation settings for one GAN.

    Parameters
    ----------
    latent_dim : int
        Size of the generator's noise input.
    generator_hidden, discriminator_hidden : tuple of int
        Hidden layer widths.
    epochs : int or None
        Passes over each class's rows; ``None`` means
        ``auto_epochs(n_rows, batch_size)`` per class.
    batch_size : int
        Requested batch size (capped at the class size).
    learning_rate : float
        Adam learning rate of both networks.
    loss : {"bce", "wgan-gp"}
        Adversarial loss.
    early_stopping : bool
        Stop when the marginal distance stops improving and keep the best
        generator.
    step : {"auto", "autograd", "manual", "cuda-graph"}
        Kind of training step (:func:`~._step_choice.choose_step`); tests
        and benchmarks name one to compare them.
    """

    latent_dim: int
    generator_hidden: tuple[int, ...]
    discriminator_hidden: tuple[int, ...]
    epochs: int | None
    batch_size: int
    learning_rate: float
    loss: str
    early_stopping: bool = False
    step: str = "auto"


def auto_epochs(n_rows: int, batch_size: int) -> int:
    """Epochs needed for about :data:`AUTO_STEPS` optimiser steps.

    Parameters
    ----------
    n_rows : int
        Rows in the class.
    batch_size : int
        Requested batch size (capped at ``n_rows``).

    Returns
    -------
    int
        At least one epoch.
    """
    steps_per_epoch = max(1, n_rows // min(batch_size, n_rows))
    return max(1, -(-AUTO_STEPS // steps_per_epoch))


def plan(n_rows: int, config: TrainingConfig) -> tuple[int, int, int]:
    """Batch size, steps per epoch and epochs for one class.

    Plain ints, even from NumPy integer settings: they end up in the history.

    Parameters
    ----------
    n_rows : int
        Rows in the class.
    config : TrainingConfig
        Training settings.

    Returns
    -------
    tuple of int
        ``(batch_size, steps_per_epoch, epochs)``.
    """
    batch_size = int(min(config.batch_size, n_rows))
    per_epoch = max(1, int(n_rows) // batch_size)
    epochs = int(config.epochs or auto_epochs(n_rows, config.batch_size))
    return batch_size, per_epoch, epochs


def planned_steps(n_rows: int, config: TrainingConfig) -> int:
    """Optimiser steps a class of ``n_rows`` rows trains for (without stopping).

    Parameters
    ----------
    n_rows : int
        Rows in the class.
    config : TrainingConfig
        Training settings.

    Returns
    -------
    int
    """
    _, per_epoch, epochs = plan(n_rows, config)
    return per_epoch * epochs
