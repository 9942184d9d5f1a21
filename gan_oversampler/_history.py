"""Per-epoch record of one class's GAN training."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._state import array, tensor

__all__ = ["TrainingHistory"]

_COLUMNS = (
    "generator_loss",
    "discriminator_loss",
    "discriminator_accuracy_real",
    "discriminator_accuracy_fake",
    "marginal_distance",
)


@dataclass
class TrainingHistory:
    """Losses and discriminator accuracy of one class's GAN, one entry per epoch.

    Each attribute is a NumPy array with one value per epoch, averaged over the
    epoch's batches. A discriminator accuracy near 0.5 on both real and fake
    rows means the discriminator can no longer tell them apart; an accuracy near
    1.0 on fake rows means the generator is losing.

    Parameters
    ----------
    generator_loss : ndarray
        Mean generator loss per epoch.
    discriminator_loss : ndarray
        Mean discriminator loss per epoch.
    discriminator_accuracy_real : ndarray
        Fraction of real rows the discriminator called real.
    discriminator_accuracy_fake : ndarray
        Fraction of synthetic rows the discriminator called synthetic.
    marginal_distance : ndarray
        With ``early_stopping=True``: mean over encoded columns of the 1-D
        Wasserstein distance between real and generated rows, the lowest of
        the evaluations within each epoch (evaluations come every 100 steps
        and at the last step; NaN for epochs without one). At ``best_epoch``
        it is the distance of the kept generator (even where a later
        evaluation in that epoch was lower by less than 1%). All NaN without
        early stopping.
    n_rows : int
        Number of real rows of the class the GAN was trained on.
    batch_size : int
        Batch size actually used (never more than ``n_rows``).
    stopped_epoch : int or None
        Epoch in which early stopping ended training (its statistics cover the
        steps it ran), or None if training ran all its epochs.
    best_epoch : int or None
        With early stopping: the epoch of the evaluation whose generator was
        kept, the one with the smallest marginal distance (a later one counts
        as smaller only if it improves by more than 1%). None when the final
        generator is kept: without early stopping, or when no evaluation gave
        a finite distance.
    n_steps : int
        Optimiser steps the class trained: ``len(history)`` times the steps
        per epoch (``n_rows // batch_size``), or fewer when early stopping
        ended training within its last epoch. 0 when unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from gan_oversampler import TrainingHistory
    >>> zeros = [np.zeros(3)] * 5
    >>> history = TrainingHistory(*zeros, n_rows=20, batch_size=20)
    >>> len(history)
    3
    >>> list(history.to_frame().columns)[:2]
    ['epoch', 'generator_loss']
    """

    generator_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    discriminator_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    discriminator_accuracy_real: np.ndarray = field(default_factory=lambda: np.zeros(0))
    discriminator_accuracy_fake: np.ndarray = field(default_factory=lambda: np.zeros(0))
    marginal_distance: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_rows: int = 0
    batch_size: int = 0
    stopped_epoch: int | None = None
    best_epoch: int | None = None
    n_steps: int = 0

    def __len__(self) -> int:
        """Number of epochs recorded."""
        return len(self.generator_loss)

    @property
    def discriminator_accuracy(self) -> np.ndarray:
        """Mean of the accuracy on real and on fake rows, per epoch."""
        return (self.discriminator_accuracy_real + self.discriminator_accuracy_fake) / 2

    def to_frame(self) -> pd.DataFrame:
        """Return the history as a DataFrame with one row per epoch.

        Returns
        -------
        DataFrame
            Columns ``epoch`` (starting at 1), ``generator_loss``,
            ``discriminator_loss``, ``discriminator_accuracy_real``,
            ``discriminator_accuracy_fake`` and ``marginal_distance``.

        Examples
        --------
        >>> import numpy as np
        >>> from gan_oversampler import TrainingHistory
        >>> history = TrainingHistory(*[np.zeros(2)] * 5, n_rows=8, batch_size=8)
        >>> history.to_frame().shape
        (2, 6)
        """
        data = {"epoch": np.arange(1, len(self) + 1)}
        data.update({name: getattr(self, name) for name in _COLUMNS})
        return pd.DataFrame(data)

    def state_dict(self) -> dict:
        """The history as plain values and one tensor, for saving.

        Returns
        -------
        dict
            ``arrays`` (a tensor of shape ``(5, n_epochs)``, the per-epoch
            arrays in the order of the parameters) and the scalar fields.

        Examples
        --------
        >>> import numpy as np
        >>> from gan_oversampler import TrainingHistory
        >>> history = TrainingHistory(*[np.zeros(3)] * 5, n_rows=8, batch_size=8)
        >>> len(TrainingHistory.from_state(history.state_dict()))
        3
        """
        return {
            "arrays": tensor(np.stack([getattr(self, name) for name in _COLUMNS])),
            "n_rows": self.n_rows,
            "batch_size": self.batch_size,
            "stopped_epoch": self.stopped_epoch,
            "best_epoch": self.best_epoch,
            "n_steps": self.n_steps,
        }

    @classmethod
    def from_state(cls, state: dict) -> TrainingHistory:
        """The history that :meth:`state_dict` described.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict` (files of format 2 lack ``n_steps``: whole
            epochs are then assumed).

        Returns
        -------
        TrainingHistory
        """
        arrays = array(state["arrays"])
        n_steps = state.get(
            "n_steps", len(arrays[0]) * max(1, state["n_rows"] // state["batch_size"])
        )
        return cls(
            *arrays,
            n_rows=state["n_rows"],
            batch_size=state["batch_size"],
            stopped_epoch=state["stopped_epoch"],
            best_epoch=state["best_epoch"],
            n_steps=n_steps,
        )
