"""The training step through autograd: any loss, any device.

One step is one discriminator update followed by one generator update:

* the batch, the noise and the Gumbel uniforms come from
  :meth:`~._draws.StepDraws.draw`;
* the discriminator scores the real and the (detached) generated rows in one
  pass and takes an Adam step on its loss;
* the generator takes an Adam step on its loss, its gradient flowing through
  the updated, frozen discriminator.

:class:`~._manual_step.ManualBCEStep` is the same step with hand-written
gradients, and :class:`~._cuda_graph_step.CUDAGraphStep` replays this one as a
CUDA graph.
"""

from __future__ import annotations

from typing import ClassVar

import torch

from ._step_context import StepContext

__all__ = ["AutogradStep"]


def _set_requires_grad(params: list[torch.Tensor], flag: bool) -> None:
    for param in params:
        param.requires_grad_(flag)


class AutogradStep:
    """Training steps whose gradients autograd computes.

    Each step's statistics go straight into ``stats[step]``.

    Parameters
    ----------
    context : StepContext
        What the steps work on.
    """

    capturable: ClassVar[bool] = False

    def __init__(self, context: StepContext) -> None:
        self.context = context
        self._d_params = list(context.disc.parameters())

    def __call__(self, step: int) -> None:
        """Take step number ``step`` with the run's random source.

        Parameters
        ----------
        step : int
            Steps taken before this one; its statistics go to ``stats[step]``.
        """
        self.compute(self.context.stats[step], self.context.generator)

    def flush(self, n_steps: int) -> None:
        """Nothing to do: every step writes its statistics.

        Parameters
        ----------
        n_steps : int
            Steps taken so far.
        """

    def compute(self, out: torch.Tensor, rng: torch.Generator) -> None:
        """One discriminator and one generator update; statistics into ``out``.

        Parameters
        ----------
        out : Tensor of shape (n_stack, 4)
            Receives (g_loss, d_loss, acc_real, acc_fake) per class.
        rng : torch.Generator
            The step's random source (a CUDA graph's own generator there).
        """
        c = self.context
        draws, rows, loss, width = c.draws, c.rows, c.loss, c.draws.width
        draws.draw(rng)
        real = draws.real
        fake, _ = c.gen.activate(c.gen.net(draws.noise), uniform=draws.gumbel)
        fake_rows = fake.detach()

        # Discriminator step: one pass over the real and fake rows together.
        _set_requires_grad(self._d_params, True)
        scores = c.disc(torch.cat((real, fake_rows), dim=1))
        real_scores, fake_scores = scores[:, :width], scores[:, width:]
        d_loss = loss.discriminator(
            real_scores, fake_scores, rows, c.disc, real, fake_rows, rng
        )
        c.opt_d.zero_grad()
        d_loss.sum().backward()
        c.opt_d.step()

        # Generator step: gradients flow through a frozen discriminator.
        _set_requires_grad(self._d_params, False)
        g_loss = loss.generator(c.disc(fake), rows)
        c.opt_g.zero_grad()
        g_loss.sum().backward()
        c.opt_g.step()

        with torch.no_grad():
            acc_real, acc_fake = loss.accuracy(real_scores, fake_scores, rows)
            out.copy_(torch.stack((g_loss, d_loss, acc_real, acc_fake), dim=1))
