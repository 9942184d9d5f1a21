"""A class's generator made of several independently trained members.

With ``n_generators=k`` a class's GAN is ``k`` generator/discriminator pairs
trained side by side (stacked, like several classes) from different initial
weights. :class:`GeneratorEnsemble` puts the ``k`` trained generators behind
the interface of one :class:`~._networks.Generator`: each row of a batch is
made by one member, the members making equal shares (as near as the count
allows) of randomly chosen rows. The ensemble is a mixture of its members
with equal weights, so its rows cover the modes that any one of them finds.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._networks import Generator

__all__ = ["GeneratorEnsemble", "class_generator", "shares"]


def shares(n_rows: int, n_members: int) -> list[int]:
    """How many of ``n_rows`` rows each of ``n_members`` members makes.

    Parameters
    ----------
    n_rows : int
        Rows to make.
    n_members : int
        Members sharing them.

    Returns
    -------
    list of int
        ``n_rows // n_members`` each, plus one for the first
        ``n_rows % n_members`` members.

    Examples
    --------
    >>> shares(10, 3)
    [4, 3, 3]
    """
    base, extra = divmod(n_rows, n_members)
    return [base + (i < extra) for i in range(n_members)]


def class_generator(members: Sequence[Generator]) -> nn.Module:
    """A class's generator from its trained members, in eval mode.

    Parameters
    ----------
    members : sequence of Generator
        The class's trained generators (one or more).

    Returns
    -------
    Generator or GeneratorEnsemble
        The only member itself, or an ensemble of several.
    """
    if len(members) == 1:
        return members[0].eval()
    return GeneratorEnsemble(members).eval()


class GeneratorEnsemble(nn.Module):
    """Several trained generators of one class that generate as one.

    Parameters
    ----------
    members : sequence of Generator
        Stand-alone (``n_stack=1``) generators with the same latent size and
        encoded layout, on one device.

    Attributes
    ----------
    members : torch.nn.ModuleList
        The generators, in training order.
    latent_dim : int
        Size of the noise vector.
    n_encoded : int
        Width of an encoded row.
    """

    def __init__(self, members: Sequence[Generator]) -> None:
        super().__init__()
        if len(members) < 2:
            raise ValueError("An ensemble needs at least 2 generators.")
        first = members[0]
        if any(
            m.latent_dim != first.latent_dim or m.n_encoded != first.n_encoded
            for m in members
        ):
            raise ValueError("The members must share latent_dim and n_encoded.")
        self.members = nn.ModuleList(members)
        self.latent_dim = first.latent_dim
        self.n_encoded = first.n_encoded

    @property
    def block_index(self) -> torch.Tensor:
        """The first member's block index (its device is the ensemble's)."""
        return self.members[0].block_index

    def forward(
        self, noise: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Generate encoded rows, each by one member.

        The members share the rows as :func:`shares` says; with a
        ``generator``, which members get the extra rows and which rows each
        member makes are drawn from it, so that any part of the output, a
        single row included, is a mixture of all the members.

        Parameters
        ----------
        noise : Tensor of shape (n, latent_dim)
            Latent noise.
        generator : torch.Generator or None
            Draws the rows' members, then serves the members' Gumbel noise
            for the categorical blocks, member after member. ``None`` gives
            member ``i`` the ``i``-th contiguous share and uses a plain
            softmax (no sampling).

        Returns
        -------
        Tensor of shape (n, n_encoded)
        """
        owner = self.owners(len(noise), generator, noise.device)
        rows = noise.new_empty((len(noise), self.n_encoded))
        for i, member in enumerate(self.members):
            index = (owner == i).nonzero().squeeze(1)
            rows[index] = member(noise[index], generator)
        return rows

    def owners(
        self,
        n_rows: int,
        generator: torch.Generator | None,
        device: torch.device | None = None,
    ) -> torch.Tensor:
        """Which member makes each of ``n_rows`` rows.

        Parameters
        ----------
        n_rows : int
            Rows to make.
        generator : torch.Generator or None
            Draws a rotation of the members (who gets the extra rows) and a
            permutation of the rows; ``None`` keeps both in order.
        device : torch.device or None
            Where the result lives (the generator's device when drawing).

        Returns
        -------
        Tensor of shape (n_rows,), dtype int64
            Member index per row; member ``i`` appears as often as the
            rotated :func:`shares` say.
        """
        k = len(self.members)
        counts = torch.tensor(shares(n_rows, k))
        owner = torch.repeat_interleave(torch.arange(k), counts)
        if generator is None:
            return owner.to(device)
        where = generator.device
        offset = torch.randint(k, (1,), generator=generator, device=where)
        order = torch.randperm(n_rows, generator=generator, device=where)
        owner = (owner.to(where) + offset) % k
        return owner[order].to(device)
