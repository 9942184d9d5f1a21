"""The generator and discriminator networks, and how big they are.

Both are small multi-layer perceptrons with LeakyReLU hidden layers, *stacked*:
one module holds the networks of several classes as ``(n_stack, in, out)``
weight tensors and runs them all with batched matrix products, so that the GANs
of many classes train in one pass. A fitted sampler keeps one single-network
(``n_stack=1``) generator per class. The
generator's last layer is followed by a per-span output activation: ``tanh`` on
numeric spans and a Gumbel-softmax over each categorical block, vectorised over
all blocks at once. Weights are initialised from a local
:class:`torch.Generator`; building a network never touches torch's global
random state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral

import torch
from torch import nn

from ._spans import Span

__all__ = ["Discriminator", "Generator", "resolve_architecture"]

#: The networks' (and the training tensors') dtype, independent of
#: ``torch.get_default_dtype()``.
DTYPE = torch.float32
_NEGATIVE_SLOPE = 0.2
#: Smallest "auto" widths: the generator's hidden layers, then the
#: discriminator's first and second (a sweep tried smaller; see SWEEP.md).
_GENERATOR_FLOOR = 64
_DISCRIMINATOR_FLOORS = (64, 32)
GUMBEL_TAU = 0.2
_EPS = 1e-10


def _hidden(value: object, name: str) -> tuple[int, ...]:
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = (value,)
    if (
        not isinstance(value, Sequence)
        or len(value) == 0
        or not all(
            isinstance(v, Integral) and not isinstance(v, bool) and v >= 1
            for v in value
        )
    ):
        raise ValueError(
            f"{name} must be 'auto', a positive int or a non-empty sequence of "
            f"positive ints (one per hidden layer); got {value!r}."
        )
    return tuple(int(v) for v in value)


def _clip(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, math.ceil(value))))


def resolve_architecture(
    n_encoded: int,
    latent_dim: int | str,
    generator_hidden: object,
    discriminator_hidden: object,
) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """Turn the ``"auto"`` sizes into concrete layer widths.

    The rules follow the usual rules of thumb for small GANs, scaled from the
    encoded width ``z``: a latent size of about ``z / 2``, two generator hidden
    layers about as wide as latent and output together, and a discriminator
    that narrows from about ``z`` to ``z / 2``. Each is clipped to a range that
    still trains on tiny and very wide tables.

    Parameters
    ----------
    n_encoded : int
        Width ``z`` of the encoded row.
    latent_dim : int or "auto"
        ``"auto"``: ``clip(z / 2, 16, 128)``.
    generator_hidden : int, sequence of int, or "auto"
        ``"auto"``: two layers of ``clip(latent + z, 64, 256)`` units.
    discriminator_hidden : int, sequence of int, or "auto"
        ``"auto"``: ``(clip(z, 64, 256), clip(z / 2, 32, 128))``.

    Returns
    -------
    latent : int
    generator_hidden : tuple of int
    discriminator_hidden : tuple of int
    """
    latent = _clip(n_encoded / 2, 16, 128) if latent_dim == "auto" else int(latent_dim)
    if generator_hidden == "auto":
        width = _clip(latent + n_encoded, _GENERATOR_FLOOR, 256)
        g_hidden = (width, width)
    else:
        g_hidden = _hidden(generator_hidden, "generator_hidden")
    if discriminator_hidden == "auto":
        first, second = _DISCRIMINATOR_FLOORS
        d_hidden = (_clip(n_encoded, first, 256), _clip(n_encoded / 2, second, 128))
    else:
        d_hidden = _hidden(discriminator_hidden, "discriminator_hidden")
    return latent, g_hidden, d_hidden


class _StackedLinear(nn.Module):
    """``n_stack`` independent linear layers applied with one batched product."""

    def __init__(
        self,
        n_stack: int,
        n_in: int,
        n_out: int,
        *,
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        # Kaiming-uniform weights for LeakyReLU, zero biases; torch.empty draws
        # nothing from the global generator. Always float32, whatever
        # torch.get_default_dtype() says: the data and buffers are float32.
        gain = math.sqrt(2.0 / (1.0 + _NEGATIVE_SLOPE**2))
        bound = gain * math.sqrt(3.0 / n_in)
        like = {"device": device, "dtype": DTYPE}
        weight = torch.empty((n_stack, n_in, n_out), **like)
        weight.uniform_(-bound, bound, generator=generator)
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(torch.zeros((n_stack, 1, n_out), **like))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(n_stack, n, n_in)`` to ``(n_stack, n, n_out)``."""
        return torch.baddbmm(self.bias, x, self.weight)


def _mlp(
    n_stack: int,
    n_in: int,
    hidden: tuple[int, ...],
    n_out: int,
    device: torch.device,
    generator: torch.Generator,
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for width in hidden:
        layers += [
            _StackedLinear(n_stack, n_in, width, device=device, generator=generator),
            nn.LeakyReLU(_NEGATIVE_SLOPE),
        ]
        n_in = width
    layers.append(
        _StackedLinear(n_stack, n_in, n_out, device=device, generator=generator)
    )
    return nn.Sequential(*layers)


def _stacked(x: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """Add the stack dimension to a 2-D input; say whether it was added."""
    return (x.unsqueeze(0), True) if x.dim() == 2 else (x, False)


class Generator(nn.Module):
    """Map latent noise to encoded rows, for one or several stacked classes.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    hidden : tuple of int
        Hidden layer widths.
    spans : list of Span
        Layout of the encoded row.
    n_stack : int, default=1
        Number of independent generators held in the module.
    device : torch.device
        Where the parameters live.
    generator : torch.Generator
        Source of the initial weights.
    """

    def __init__(
        self,
        latent_dim: int,
        hidden: tuple[int, ...],
        spans: Sequence[Span],
        *,
        n_stack: int = 1,
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        n_out = max(s.stop for s in spans)
        self.n_encoded = n_out
        self.latent_dim = latent_dim
        self.hidden = tuple(hidden)
        self.spans = list(spans)
        self.n_stack = n_stack
        self.net = _mlp(n_stack, latent_dim, self.hidden, n_out, device, generator)
        blocks = [s for s in spans if s.kind != "numeric"]
        widest = max((b.width for b in blocks), default=1)
        # One-hot blocks gathered into a (n_blocks, widest) index, padded.
        index = torch.zeros((len(blocks), widest), dtype=torch.long)
        valid = torch.zeros((len(blocks), widest), dtype=torch.bool)
        for k, block in enumerate(blocks):
            index[k, : block.width] = torch.arange(block.start, block.stop)
            valid[k, : block.width] = True
        # The padded blocks are laid out (widest, n_blocks): a softmax over the
        # second-to-last dimension is several times faster on the CPU than one
        # over a short last dimension. Index buffers follow from the spans, so
        # they are not saved with the weights (persistent=False).
        index, valid = index.T.contiguous(), valid.T.contiguous()
        buffers = {
            "block_index": index,
            "block_padding": ~valid,
            # Integer positions of the valid entries in the flattened blocks (a
            # boolean mask would need a host sync per step and defeat CUDA
            # graphs), and the encoded columns they belong to.
            "block_entries": valid.flatten().nonzero().squeeze(1),
            "block_columns": index[valid],
        }
        for name, value in buffers.items():
            self.register_buffer(name, value, persistent=False)
        self.to(device)

    def forward(
        self, noise: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Generate encoded rows.

        Parameters
        ----------
        noise : Tensor of shape (n, latent_dim) or (n_stack, n, latent_dim)
            Latent noise; the 2-D form needs ``n_stack == 1``.
        generator : torch.Generator or None
            Source of Gumbel noise for the categorical blocks. ``None`` uses a
            plain softmax (no sampling).

        Returns
        -------
        Tensor of shape (n, n_encoded) or (n_stack, n, n_encoded)
            ``tanh`` outputs on numeric spans, probabilities on the blocks.
        """
        noise, added = _stacked(noise)
        out, _ = self.activate(self.net(noise), generator)
        return out.squeeze(0) if added else out

    def activate(
        self,
        raw: torch.Tensor,
        generator: torch.Generator | None = None,
        out: torch.Tensor | None = None,
        *,
        uniform: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Apply each span's output activation to the last layer's output.

        Parameters
        ----------
        raw : Tensor of shape (..., n_encoded)
            Output of the last linear layer.
        generator : torch.Generator or None
            Source of Gumbel noise, as in :meth:`forward`.
        out : Tensor or None
            Where to write the rows (no autograd then); ``None`` allocates.
        uniform : Tensor of shape ``gumbel_shape(*raw.shape[:-1])`` or None
            Uniform numbers drawn beforehand for the Gumbel noise (a training
            step's :class:`~._draws.StepDraws`); they are overwritten, and
            ``generator`` is not drawn from.

        Returns
        -------
        rows : Tensor of shape (..., n_encoded)
            ``tanh`` of the numeric columns, probabilities on the blocks.
        probs : Tensor of shape (..., widest, n_blocks) or None
            The block probabilities, padded (``None`` without blocks); what
            :func:`~._manual_step.activation_backward` needs.
        """
        rows = torch.tanh(raw) if out is None else torch.tanh(raw, out=out)
        if not self.has_blocks:
            return rows, None
        # Without autograd (out given), the fresh logits are updated in place.
        in_place = out is not None
        logits = self.gather_blocks(raw)
        if uniform is None and generator is not None:
            # Drawn (n_blocks, widest) per row, block after block.
            uniform = torch.rand(
                self.gumbel_shape(*logits.shape[:-2]),
                generator=generator,
                device=logits.device,
                dtype=logits.dtype,
            )
        if uniform is not None:
            # Gumbel noise -log(-log(u + eps) + eps), computed in place in u.
            gumbel = uniform.add_(_EPS).log_().neg_().add_(_EPS).log_().mT
            if in_place:
                logits.sub_(gumbel).div_(GUMBEL_TAU)
            else:
                logits = (logits - gumbel) / GUMBEL_TAU
        if in_place:
            logits.masked_fill_(self.block_padding, -math.inf)
        else:
            logits = logits.masked_fill(self.block_padding, -math.inf)
        probs = torch.softmax(logits, dim=-2)
        entries = probs.flatten(-2).index_select(-1, self.block_entries)
        if out is None:
            return rows.index_copy(-1, self.block_columns, entries), probs
        return rows.index_copy_(-1, self.block_columns, entries), probs

    @property
    def has_blocks(self) -> bool:
        """Whether the row has categorical blocks (and so draws Gumbel noise)."""
        return self.block_index.numel() > 0

    def gumbel_shape(self, *batch: int) -> tuple[int, ...]:
        """Shape of the uniform numbers behind the Gumbel noise of a batch.

        Parameters
        ----------
        *batch : int
            Leading dimensions of the batch, e.g. ``(n_stack, n)``.

        Returns
        -------
        tuple of int
            ``(*batch, n_blocks, widest)``: drawn block after block per row.
        """
        widest, n_blocks = self.block_index.shape
        return (*batch, n_blocks, widest)

    def gather_blocks(self, values: torch.Tensor) -> torch.Tensor:
        """Gather ``(..., n_encoded)`` into padded ``(..., widest, n_blocks)``.

        Parameters
        ----------
        values : Tensor of shape (..., n_encoded)
            Values per encoded column.

        Returns
        -------
        Tensor of shape (..., widest, n_blocks)
            Each categorical block's values in a column, padded.
        """
        index = self.block_index.view(-1).expand(*values.shape[:-1], -1)
        gathered = torch.gather(values, -1, index)
        return gathered.view(*values.shape[:-1], *self.block_index.shape)

    def class_state(self, index: int) -> dict[str, torch.Tensor]:
        """A copy of stacked network ``index``'s weights, as a one-network state.

        Parameters
        ----------
        index : int
            Which of the stacked networks.

        Returns
        -------
        dict
            A state dict for a generator with ``n_stack=1``.
        """
        return {
            key: value[index : index + 1].clone() if key.startswith("net.") else value
            for key, value in self.state_dict().items()
        }

    def single(self, state: dict[str, torch.Tensor]) -> Generator:
        """Build a stand-alone (``n_stack=1``) generator from a one-network state.

        Parameters
        ----------
        state : dict
            A state from :meth:`class_state`.

        Returns
        -------
        Generator
            On the same device as this module, in eval mode.
        """
        device = self.block_index.device
        net = Generator(
            self.latent_dim,
            self.hidden,
            self.spans,
            device=device,
            generator=torch.Generator(device=device),
        )
        net.load_state_dict(state)
        return net.eval()


class Discriminator(nn.Module):
    """Score encoded rows: high for real, low for synthetic.

    Parameters
    ----------
    n_encoded : int
        Width of the encoded row.
    hidden : tuple of int
        Hidden layer widths.
    n_stack : int, default=1
        Number of independent discriminators held in the module.
    device : torch.device
        Where the parameters live.
    generator : torch.Generator
        Source of the initial weights.
    """

    def __init__(
        self,
        n_encoded: int,
        hidden: tuple[int, ...],
        *,
        n_stack: int = 1,
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        self.net = _mlp(n_stack, n_encoded, tuple(hidden), 1, device, generator)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        """Return one logit (or critic score) per row.

        ``(n, n_encoded)`` gives ``(n,)``; ``(n_stack, n, n_encoded)`` gives
        ``(n_stack, n)``.
        """
        rows, added = _stacked(rows)
        scores = self.net(rows).squeeze(-1)
        return scores.squeeze(0) if added else scores
