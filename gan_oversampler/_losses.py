"""Adversarial losses: what the discriminator and the generator minimise.

Scores come as ``(n_stack, n)`` tensors, one row of scores per stacked class,
with a ``(n_stack, n)`` mask of the rows that count (a class smaller than the
batch size uses fewer rows). Each loss returns one value per class; their sum
is minimised, which trains every class's networks on its own loss only.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["BCELoss", "WGANGPLoss", "make_loss", "masked_mean"]


def masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the last dimension of the entries where ``mask`` is 1.

    Parameters
    ----------
    values, mask : Tensor of shape (n_stack, n)
        Values and a 0/1 float mask with at least one 1 per row.

    Returns
    -------
    Tensor of shape (n_stack,)
    """
    return (values * mask).sum(dim=-1) / mask.sum(dim=-1)


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
        mask: torch.Tensor,
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Per-class loss of the discriminator on one batch."""
        return masked_mean(F.softplus(-real_scores), mask) + masked_mean(
            F.softplus(fake_scores), mask
        )

    def generator(self, fake_scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Per-class loss of the generator on one batch."""
        return masked_mean(F.softplus(-fake_scores), mask)

    def accuracy(
        self, real_scores: torch.Tensor, fake_scores: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per class: fraction of real rows scored real, of fake rows scored fake."""
        return (
            masked_mean((real_scores > 0).float(), mask),
            masked_mean((fake_scores < 0).float(), mask),
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
        mask: torch.Tensor,
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Per-class critic loss on one batch, including the gradient penalty."""
        alpha = torch.rand(
            (*real.shape[:-1], 1), generator=generator, device=real.device
        )
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(
            discriminator(mixed).sum(), mixed, create_graph=True
        )
        gradient_penalty = masked_mean((grad.norm(2, dim=-1) - 1) ** 2, mask)
        return (
            masked_mean(fake_scores, mask)
            - masked_mean(real_scores, mask)
            + self.penalty * gradient_penalty
        )

    def generator(self, fake_scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Per-class loss of the generator on one batch."""
        return -masked_mean(fake_scores, mask)

    def accuracy(
        self, real_scores: torch.Tensor, fake_scores: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Accuracy with the threshold halfway between mean real and fake scores.

        A critic's scores have no fixed decision threshold, so the midpoint of
        each class's mean scores on the batch stands in for it.
        """
        threshold = (
            (masked_mean(real_scores, mask) + masked_mean(fake_scores, mask)) / 2
        ).unsqueeze(-1)
        return (
            masked_mean((real_scores > threshold).float(), mask),
            masked_mean((fake_scores < threshold).float(), mask),
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
