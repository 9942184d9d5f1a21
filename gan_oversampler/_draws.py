"""The random numbers of one training step, drawn in one fixed order.

Every training step (:mod:`._autograd_step`, :mod:`._manual_step`, and the
CUDA graph that records the autograd step) starts with :meth:`StepDraws.draw`,
so that the steps draw the same numbers in the same order by construction:

1. one uniform number per row of the stacked batch, scaled to a row number of
   its class (truncated) — the batch, drawn with replacement;
2. the generator's latent noise, standard normal;
3. where the row has categorical blocks, the uniform numbers behind their
   Gumbel noise, ``(n_blocks, widest)`` per generated row.

The ``"wgan-gp"`` loss then draws its interpolation weights itself
(:meth:`~._losses.WGANGPLoss.discriminator`); only the autograd step runs it.
The numbers go into buffers allocated once (the same addresses every step, as
a CUDA graph needs).
"""

from __future__ import annotations

import torch

from ._networks import Generator

__all__ = ["StepDraws"]


class StepDraws:
    """Draw each step's batch, noise and Gumbel uniforms into fixed buffers.

    Parameters
    ----------
    data : Tensor of shape (n_rows, n_encoded)
        Every class's encoded rows, one class after another.
    offsets : Tensor of shape (n_stack, 1)
        First row of each class in ``data``.
    sizes : Tensor of shape (n_stack, 1), float
        Rows of each class.
    width : int
        Rows in the stacked batch (the largest class batch size).
    gen : Generator
        The stacked generators the noise is for.

    Attributes
    ----------
    real : Tensor of shape (n_stack, width, n_encoded)
        The batch's real rows.
    noise : Tensor of shape (n_stack, width, latent_dim)
        The generator's input.
    gumbel : Tensor of shape ``gen.gumbel_shape(n_stack, width)`` or None
        Uniform numbers for the Gumbel noise (``None`` without blocks);
        :meth:`~._networks.Generator.activate` turns them into the noise in
        place.
    """

    def __init__(
        self,
        data: torch.Tensor,
        offsets: torch.Tensor,
        sizes: torch.Tensor,
        width: int,
        gen: Generator,
    ) -> None:
        self.data, self.offsets, self.sizes, self.width = data, offsets, sizes, width
        n_stack = offsets.shape[0]
        n_encoded = data.shape[1]
        like = {"device": data.device, "dtype": data.dtype}
        self._uniform = torch.empty((n_stack, width), **like)
        self._index = torch.empty(
            (n_stack, width), dtype=torch.long, device=data.device
        )
        self._rows = torch.empty((n_stack * width, n_encoded), **like)
        self.real = self._rows.view(n_stack, width, n_encoded)
        self.noise = torch.empty((n_stack, width, gen.latent_dim), **like)
        self.gumbel = (
            torch.empty(gen.gumbel_shape(n_stack, width), **like)
            if gen.has_blocks
            else None
        )

    def draw(self, rng: torch.Generator) -> None:
        """Draw one step's numbers from ``rng``, in the order of the module doc.

        Parameters
        ----------
        rng : torch.Generator
            The step's random source, on the data's device.
        """
        # The batch: uniform draws scaled to row numbers (truncated, as
        # .long() does), offset to each class's rows.
        scaled = self._uniform.uniform_(generator=rng).mul_(self.sizes)
        self._index.copy_(scaled).add_(self.offsets)
        torch.index_select(self.data, 0, self._index.view(-1), out=self._rows)
        self.noise.normal_(generator=rng)
        if self.gumbel is not None:
            self.gumbel.uniform_(generator=rng)
