"""Adversarial losses: what the discriminator and the generator minimise.

Scores come as ``(n_stack, n)`` tensors, one row of scores per stacked class,
with the :class:`BatchRows` that count (a class smaller than the batch size
uses fewer rows; the rest is padding). Each loss returns one value per class;
their sum is minimised, which trains every class's networks on its own loss
only.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

__all__ = ["BCELoss", "BatchRows", "WGANGPLoss", "make_loss"]


@dataclass(frozen=True)
class BatchRows:
    """Which rows of a stacked batch count, built once per training run.

    Parameters
    ----------
    mask : Tensor of shape (n_stack, n)
        1.0 on the rows that count, 0.0 on padding.
    count : Tensor of shape (n_stack,)
        Rows that count per class (at least one).
    """

    mask: torch.Tensor
    count: torch.Tensor

    @classmethod
    def first(cls, counts: torch.Tensor, width: int) -> BatchRows:
        """The first ``counts[k]`` of ``width`` rows count for class ``k``.

        Parameters
        ----------
        counts : Tensor of shape (n_stack,)
            Batch size of each class.
        width : int
            Rows in the stacked batch.

        Returns
        -------
        BatchRows
        """
        positions = torch.arange(width, device=counts.device)
        mask = (positions < counts.unsqueeze(1)).float()
        return cls(mask, counts.float())

    def mean(self, values: torch.Tensor) -> torch.Tensor:
        """Per-class mean of ``(n_stack, n)`` values over the rows that count.

        Parameters
        ----------
        values : Tensor of shape (n_stack, n)

        Returns
        -------
        Tensor of shape (n_stack,)
        """
        return (values * self.mask).sum(dim=-1) / self.count


class BCELoss:
    """The original GAN objective with the non-saturating generator loss.

    The discriminator outputs logits; it minimises the binary cross-entropy of
    calling real rows real and synthetic rows synthetic. The generator minimises
    ``-log D(G(z))``.
    """

    def discriminator(
        self,
        real_scores: torch.Tensor,
        fake_scores: torch.Tensor,
        rows: BatchRows,
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Per-class loss of the discriminator on one batch."""
        return rows.mean(F.softplus(-real_scores)) + rows.mean(F.softplus(fake_scores))

    def generator(self, fake_scores: torch.Tensor, rows: BatchRows) -> torch.Tensor:
        """Per-class loss of the generator on one batch."""
        return rows.mean(F.softplus(-fake_scores))

    def accuracy(
        self,
        real_scores: torch.Tensor,
        fake_scores: torch.Tensor,
        rows: BatchRows,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per class: fraction of real rows scored real, of fake rows scored fake."""
        return (
            rows.mean((real_scores > 0).float()),
            rows.mean((fake_scores < 0).float()),
        )


class WGANGPLoss:
    """Wasserstein loss with gradient penalty (Gulrajani et al., 2017).

    Parameters
    ----------
    penalty : float, default=10.0
        Weight of the gradient penalty.
    """

    def __init__(self, penalty: float = 10.0) -> None:
        self.penalty = penalty

    def discriminator(
        self,
        real_scores: torch.Tensor,
        fake_scores: torch.Tensor,
        rows: BatchRows,
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Per-class critic loss on one batch, including the gradient penalty."""
        alpha = torch.rand(
            (*real.shape[:-1], 1),
            generator=generator,
            device=real.device,
            dtype=real.dtype,
        )
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(
            discriminator(mixed).sum(), mixed, create_graph=True
        )
        gradient_penalty = rows.mean((grad.norm(2, dim=-1) - 1) ** 2)
        return (
            rows.mean(fake_scores)
            - rows.mean(real_scores)
            + self.penalty * gradient_penalty
        )

    def generator(self, fake_scores: torch.Tensor, rows: BatchRows) -> torch.Tensor:
        """Per-class loss of the generator on one batch."""
        return -rows.mean(fake_scores)

    def accuracy(
        self,
        real_scores: torch.Tensor,
        fake_scores: torch.Tensor,
        rows: BatchRows,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Accuracy with the threshold halfway between mean real and fake scores.

        A critic's scores have no fixed decision threshold, so the midpoint of
        each class's mean scores on the batch stands in for it.
        """
        threshold = ((rows.mean(real_scores) + rows.mean(fake_scores)) / 2).unsqueeze(
            -1
        )
        return (
            rows.mean((real_scores > threshold).float()),
            rows.mean((fake_scores < threshold).float()),
        )


def make_loss(name: str) -> BCELoss | WGANGPLoss:
    """Return the loss object for the estimator's ``loss`` parameter.

    Parameters
    ----------
    name : {"bce", "wgan-gp"}
        Loss name.

    Returns
    -------
    BCELoss or WGANGPLoss
    """
    return {"bce": BCELoss, "wgan-gp": WGANGPLoss}[name]()
