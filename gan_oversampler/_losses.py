"""Adversarial losses: what the discriminator and the generator minimise.

Each loss turns discriminator outputs into the two objectives and says which
rows the discriminator classified correctly (for the training history).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["BCELoss", "WGANGPLoss", "make_loss"]


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
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Loss of the discriminator on one batch."""
        return F.softplus(-real_scores).mean() + F.softplus(fake_scores).mean()

    def generator(self, fake_scores: torch.Tensor) -> torch.Tensor:
        """Loss of the generator on one batch."""
        return F.softplus(-fake_scores).mean()

    def accuracy(
        self, real_scores: torch.Tensor, fake_scores: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Fraction of real rows scored real, and of fake rows scored fake."""
        return (real_scores > 0).float().mean(), (fake_scores < 0).float().mean()


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
        discriminator: torch.nn.Module,
        real: torch.Tensor,
        fake: torch.Tensor,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """Critic loss on one batch, including the gradient penalty."""
        alpha = torch.rand((real.shape[0], 1), generator=generator, device=real.device)
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(
            discriminator(mixed).sum(), mixed, create_graph=True
        )
        gradient_penalty = ((grad.norm(2, dim=1) - 1) ** 2).mean()
        return fake_scores.mean() - real_scores.mean() + self.penalty * gradient_penalty

    def generator(self, fake_scores: torch.Tensor) -> torch.Tensor:
        """Loss of the generator on one batch."""
        return -fake_scores.mean()

    def accuracy(
        self, real_scores: torch.Tensor, fake_scores: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Accuracy with the threshold halfway between mean real and fake scores.

        A critic's scores have no fixed decision threshold, so the midpoint of
        the batch's mean scores stands in for it.
        """
        threshold = (real_scores.mean() + fake_scores.mean()) / 2
        return (
            (real_scores > threshold).float().mean(),
            (fake_scores < threshold).float().mean(),
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
