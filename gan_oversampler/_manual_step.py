"""The default training step with hand-written gradients, for the CPU.

On a CPU, a training step of these small networks costs more in autograd's
bookkeeping (recording the graph, then walking it) than in arithmetic. For the
default ``"bce"`` loss the gradients are short enough to write out:

* the discriminator's loss on a batch of scores ``s`` is the masked mean of
  ``softplus(-s)`` on real rows and ``softplus(s)`` on synthetic ones, so its
  gradient is ``sigmoid(±s)`` times the row weights;
* the generator's loss is the masked mean of ``softplus(-s)`` on its rows,
  scored by the updated discriminator;
* each linear layer ``a = h @ W + b`` passes back ``h.T @ g`` to ``W``, the
  column sums of ``g`` to ``b`` and ``g @ W.T`` to ``h``; LeakyReLU, ``tanh``
  and the Gumbel-softmax blocks have their closed-form derivatives
  (:func:`activation_backward`).

:class:`ManualBCEStep` runs exactly the step of
:class:`~._autograd_step.AutogradStep` — the same random draws in the same
order (both take them from :class:`~._draws.StepDraws`), the discriminator
update before the generator's — and writes the weight gradients straight into
the optimisers' flat gradient buffers, so nothing needs zeroing. Tests check
it against autograd step by step.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch.nn import functional as F

from ._networks import _NEGATIVE_SLOPE, GUMBEL_TAU, Generator
from ._step_context import StepContext

__all__ = ["ManualBCEStep", "activation_backward"]

_LEAKY_BACKWARD = torch.ops.aten.leaky_relu_backward.grad_input


class _Layer:
    """A stacked linear layer's tensors, looked up once."""

    __slots__ = (
        "bias",
        "bias_grad",
        "bias_t",
        "n_in",
        "n_out",
        "weight",
        "weight_grad",
        "weight_t",
    )

    def __init__(self, module: torch.nn.Module) -> None:
        self.weight, self.bias = module.weight.detach(), module.bias.detach()
        # Transposed views, made once (each view costs as much as a tiny op).
        self.weight_t, self.bias_t = self.weight.mT, self.bias.mT
        self.n_in, self.n_out = self.weight.shape[1:]
        # Views into FlatAdam's gradient buffer: written in place, never zeroed.
        self.weight_grad, self.bias_grad = module.weight.grad, module.bias.grad


def _layers(net: torch.nn.Module) -> list[_Layer]:
    """The linear layers of a stacked MLP (``Generator`` or ``Discriminator``)."""
    return [_Layer(m) for m in net.net if hasattr(m, "weight")]


#: Steps whose statistics are computed together.
STATS_CHUNK = 50

#: Output widths below this are computed as transposed products.
_NARROW = 16


def _narrow(width: int) -> bool:
    """Whether a product with ``width`` output columns runs faster transposed.

    Matrix products with fewer than 16 output columns (a 10-column table's
    rows, a discriminator's single score) took up to six times longer on the
    CPU than the same product computed transposed, with many output columns.
    """
    return width < _NARROW


class _Pass:
    """Forward and backward passes of a stacked MLP over a fixed input buffer.

    Every activation and gradient has a buffer allocated once: with fresh
    tensors of a few hundred kilobytes every step (twenty stacked classes), the
    elementwise operations on them measured up to eight times slower, as new
    memory was faulted in. A layer with a narrow output (see
    :func:`_narrow`) keeps its output transposed in memory; the views handed
    on have the usual shape either way.

    Parameters
    ----------
    layers : list of _Layer
        The network's linear layers; LeakyReLU follows all but the last.
    inputs : Tensor of shape (n_stack, n, n_in)
        The buffer the pass reads; fill it before :meth:`forward`.
    """

    def __init__(self, layers: list[_Layer], inputs: torch.Tensor) -> None:
        self.layers = layers
        n_stack, n, _ = inputs.shape

        def buffer(width: int) -> torch.Tensor:
            """A (n_stack, n, width) buffer, stored transposed when narrow."""
            if _narrow(width):
                return inputs.new_empty((n_stack, width, n)).mT
            return inputs.new_empty((n_stack, n, width))

        # Layer i reads layer_inputs[i] and writes outputs[i]; gradients with
        # respect to each layer's input go to grads[i]. The *_t lists hold
        # their transposed views.
        self.outputs = [buffer(layer.n_out) for layer in layers]
        self.layer_inputs = [inputs, *self.outputs[:-1]]
        self.grads = [buffer(layer.n_in) for layer in layers]
        self.outputs_t = [x.mT for x in self.outputs]
        self.layer_inputs_t = [x.mT for x in self.layer_inputs]
        self.grads_t = [x.mT for x in self.grads]
        # Narrow weight gradients are computed transposed, then copied.
        self.weight_grads_t = [
            inputs.new_empty((n_stack, layer.n_out, layer.n_in))
            if _narrow(layer.n_out) and layer.n_out > 1
            else None
            for layer in layers
        ]
        self.weight_grads_t_t = [
            None if x is None else x.mT for x in self.weight_grads_t
        ]

    def forward(self) -> torch.Tensor:
        """Run the network on the input buffer; return the last layer's output."""
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            if _narrow(layer.n_out):  # out.T = W.T @ x.T
                torch.baddbmm(
                    layer.bias_t,
                    layer.weight_t,
                    self.layer_inputs_t[i],
                    out=self.outputs_t[i],
                )
            else:
                torch.baddbmm(
                    layer.bias, self.layer_inputs[i], layer.weight, out=self.outputs[i]
                )
            if i < last:
                torch.nn.functional.leaky_relu_(self.outputs[i], _NEGATIVE_SLOPE)
        return self.outputs[last]

    def backward(
        self, grad: torch.Tensor, *, weights: bool, to_input: bool
    ) -> torch.Tensor | None:
        """Back-propagate ``grad``, the gradient w.r.t. the last output.

        ``weights`` writes the parameter gradients into the optimiser's
        buffer; ``to_input`` returns the gradient with respect to the input
        buffer (in a buffer of this pass, valid until the next call).
        """
        grad_t = grad.mT
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if weights:
                self._weight_grad(i, layer, grad, grad_t)
                torch.sum(grad, dim=1, keepdim=True, out=layer.bias_grad)
            if i == 0 and not to_input:
                return None
            below = self.grads[i]
            if layer.n_out == 1:  # an outer product
                torch.mul(grad, layer.weight_t, out=below)
            elif _narrow(layer.n_in):  # below.T = W @ grad.T
                torch.bmm(layer.weight, grad_t, out=self.grads_t[i])
            else:
                torch.bmm(grad, layer.weight_t, out=below)
            if i == 0:
                return below
            # layer_inputs[i] is the LeakyReLU output of layer i - 1, of the
            # same sign as its pre-activation.
            grad = _LEAKY_BACKWARD(
                below, self.layer_inputs[i], _NEGATIVE_SLOPE, True, grad_input=below
            )
            grad_t = self.grads_t[i]
        return None  # pragma: no cover - layers is never empty

    def _weight_grad(
        self, i: int, layer: _Layer, grad: torch.Tensor, grad_t: torch.Tensor
    ) -> None:
        x = self.layer_inputs[i]
        if layer.n_out == 1:  # (n_in, 1) has the memory layout of (1, n_in)
            n_stack = layer.weight_grad.shape[0]
            torch.bmm(grad_t, x, out=layer.weight_grad.view(n_stack, 1, layer.n_in))
        elif self.weight_grads_t[i] is not None:
            torch.bmm(grad_t, x, out=self.weight_grads_t[i])
            layer.weight_grad.copy_(self.weight_grads_t_t[i])
        else:
            torch.bmm(self.layer_inputs_t[i], grad, out=layer.weight_grad)


def activation_backward(
    gen: Generator,
    grad: torch.Tensor,
    rows: torch.Tensor,
    probs: torch.Tensor | None,
    *,
    gumbel: bool,
    out: torch.Tensor,
) -> torch.Tensor:
    """Gradient of :meth:`Generator.activate <._networks.Generator.activate>`.

    With respect to its input ``raw``: ``tanh``'s derivative on every column,
    then each categorical block's softmax derivative in place of it.

    Parameters
    ----------
    gen : Generator
        The generator whose output activation this is.
    grad : Tensor of shape (..., n_encoded)
        Gradient with respect to the activated rows.
    rows, probs : Tensor
        What ``gen.activate`` returned.
    gumbel : bool
        Whether ``gen.activate`` added Gumbel noise (its logits were then
        divided by the temperature).
    out : Tensor of shape (..., n_encoded)
        Where to write the gradient.

    Returns
    -------
    Tensor
        ``out``.
    """
    grad_raw = torch.ops.aten.tanh_backward.grad_input(grad, rows, grad_input=out)
    if probs is None:
        return grad_raw
    # Softmax backward per block, in place in the gathered gradient; the
    # padding has probability 0.
    block_grad = gen.gather_blocks(grad)
    dot = (block_grad * probs).sum(-2, keepdim=True)
    block_grad.sub_(dot).mul_(probs)
    if gumbel:
        block_grad.div_(GUMBEL_TAU)
    entries = block_grad.flatten(-2).index_select(-1, gen.block_entries)
    return grad_raw.index_copy_(-1, gen.block_columns, entries)


class ManualBCEStep:
    """One discriminator and one generator update with the ``"bce"`` loss.

    Statistics go to ``context.stats`` in chunks of :data:`STATS_CHUNK` steps;
    call :meth:`flush` before reading the latest ones.

    Parameters
    ----------
    context : StepContext
        What the steps work on (its loss must be ``"bce"``).
    """

    capturable: ClassVar[bool] = False

    def __init__(self, context: StepContext) -> None:
        gen, disc, rows = context.gen, context.disc, context.rows
        self.gen, self.opt_g, self.opt_d = gen, context.opt_g, context.opt_d
        self.stats, self.rng, self.draws = (
            context.stats,
            context.generator,
            context.draws,
        )
        n_stack, width = rows.mask.shape
        n_encoded = self.draws.real.shape[-1]
        like = {"device": self.stats.device, "dtype": self.draws.real.dtype}
        # The generated rows and their gradient share the layout of the
        # generator's last output (stored transposed when narrow): tanh and
        # its derivative run several times slower between mixed layouts.
        if _narrow(n_encoded):
            self.fake = torch.empty((n_stack, n_encoded, width), **like).mT
        else:
            self.fake = torch.empty((n_stack, width, n_encoded), **like)
        self.both = torch.empty((n_stack, 2 * width, n_encoded), **like)
        self.grad_raw = torch.empty_like(self.fake)
        d_layers = _layers(disc)
        self.g_pass = _Pass(_layers(gen), self.draws.noise)
        self.d_pass = _Pass(d_layers, self.both)  # real and fake rows
        self.d_fake_pass = _Pass(d_layers, self.fake)
        # Views of the step buffers, made once.
        self.scores = self.d_pass.outputs[-1].view(n_stack, 2 * width)
        self.fake_scores = self.d_fake_pass.outputs[-1].view(n_stack, width)
        # Each step keeps the arguments of its losses' softplus terms, (-fake
        # scores | z), in a column of `terms`; the statistics of a chunk of
        # steps are computed together (one step's worth cost a tenth of a
        # one-class step in small ops).
        self.terms = torch.empty((n_stack, STATS_CHUNK, 3 * width), **like)
        self.flipped = [self.terms[:, i, :width] for i in range(STATS_CHUNK)]
        self.z = [self.terms[:, i, width:] for i in range(STATS_CHUNK)]
        self.pending, self.width = 0, width
        self.d_grad = torch.empty((n_stack, 2 * width, 1), **like)
        self.g_grad = torch.empty((n_stack, width, 1), **like)

        weight = rows.mask / rows.count.unsqueeze(1)  # d(mean)/d(value)
        # Discriminator scores come as (real | fake); z = sign * score is the
        # argument of softplus in its loss, and a row is right when z < 0.
        self.sign = torch.cat((-torch.ones_like(weight), torch.ones_like(weight)), 1)
        self.d_grad_weight = self.sign * torch.cat((weight, weight), 1)
        self.g_grad_weight = -weight
        # Statistics in one product: the terms (softplus(-fake scores) |
        # softplus(z) | z < 0) of each class, times a (5 width, 4) matrix of
        # 0/1 row masks, divided by the row counts (in that order, as in
        # BatchRows.mean, so that an accuracy never exceeds 1), give (g_loss,
        # d_loss, accuracy real, accuracy fake).
        mask, zero = rows.mask, torch.zeros_like(rows.mask)
        self.stat_masks = torch.stack(
            (
                torch.cat((mask, zero, zero, zero, zero), 1),
                torch.cat((zero, mask, mask, zero, zero), 1),
                torch.cat((zero, zero, zero, mask, zero), 1),
                torch.cat((zero, zero, zero, zero, mask), 1),
            ),
            dim=2,
        )
        self.count = rows.count.view(n_stack, 1, 1)

    def __call__(self, step: int) -> None:
        """Take training step number ``step`` (steps are taken in order).

        No tensor here requires gradients (the layers hold detached weights),
        so nothing is recorded for autograd.

        Parameters
        ----------
        step : int
            Steps taken before this one; its statistics go to
            ``stats[step]`` (at the latest on :meth:`flush`).
        """
        draws, slot = self.draws, self.pending
        draws.draw(self.rng)
        fake, probs = self.gen.activate(
            self.g_pass.forward(), out=self.fake, uniform=draws.gumbel
        )

        # Discriminator: real and fake rows in one pass, then its update.
        torch.cat((draws.real, fake), dim=1, out=self.both)
        self.d_pass.forward()
        z = torch.mul(self.scores, self.sign, out=self.z[slot])
        torch.sigmoid(z, out=self.d_grad[..., 0]).mul_(self.d_grad_weight)
        self.d_pass.backward(self.d_grad, weights=True, to_input=False)
        self.opt_d.step()

        # Generator: through the updated discriminator, down to the noise.
        self.d_fake_pass.forward()
        flipped = torch.neg(self.fake_scores, out=self.flipped[slot])
        torch.sigmoid(flipped, out=self.g_grad[..., 0]).mul_(self.g_grad_weight)
        grad_fake = self.d_fake_pass.backward(self.g_grad, weights=False, to_input=True)
        grad_raw = activation_backward(
            self.gen, grad_fake, fake, probs, gumbel=True, out=self.grad_raw
        )
        self.g_pass.backward(grad_raw, weights=True, to_input=False)
        self.opt_g.step()

        self.pending += 1
        if self.pending == STATS_CHUNK:
            self.flush(step + 1)

    def flush(self, n_steps: int) -> None:
        """Write the statistics of the steps before ``n_steps`` not yet written.

        Parameters
        ----------
        n_steps : int
            Steps taken so far.
        """
        n = self.pending
        if not n:
            return
        terms = self.terms[:, :n]
        terms = torch.cat((F.softplus(terms), terms[..., self.width :] < 0), 2)
        values = torch.bmm(terms, self.stat_masks).div_(self.count)
        self.stats[n_steps - n : n_steps].copy_(values.transpose(0, 1))
        self.pending = 0
