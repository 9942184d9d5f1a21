"""The generator and discriminator networks, and how big they are.

Both are small multi-layer perceptrons with LeakyReLU hidden layers. The
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

from ._encoding import Span

__all__ = ["Discriminator", "Generator", "resolve_architecture"]

_NEGATIVE_SLOPE = 0.2
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
        width = _clip(latent + n_encoded, 64, 256)
        g_hidden = (width, width)
    else:
        g_hidden = _hidden(generator_hidden, "generator_hidden")
    if discriminator_hidden == "auto":
        d_hidden = (_clip(n_encoded, 64, 256), _clip(n_encoded / 2, 32, 128))
    else:
        d_hidden = _hidden(discriminator_hidden, "discriminator_hidden")
    return latent, g_hidden, d_hidden


def _mlp(n_in: int, hidden: tuple[int, ...], n_out: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for width in hidden:
        layers += [nn.Linear(n_in, width, device="meta"), nn.LeakyReLU(_NEGATIVE_SLOPE)]
        n_in = width
    layers.append(nn.Linear(n_in, n_out, device="meta"))
    return nn.Sequential(*layers)


def _materialise(module: nn.Module, device: torch.device, generator: torch.Generator):
    """Allocate a meta-device module on ``device`` and initialise its weights.

    Kaiming-uniform weights for LeakyReLU and zero biases, drawn from the local
    ``generator``.
    """
    module.to_empty(device=device)
    gain = math.sqrt(2.0 / (1.0 + _NEGATIVE_SLOPE**2))
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, nn.Linear):
                bound = gain * math.sqrt(3.0 / layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.zero_()
    return module


class Generator(nn.Module):
    """Map latent noise to an encoded row.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    hidden : tuple of int
        Hidden layer widths.
    spans : list of Span
        Layout of the encoded row.
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
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        n_out = max(s.stop for s in spans)
        self.latent_dim = latent_dim
        self.net = _materialise(_mlp(latent_dim, hidden, n_out), device, generator)
        numeric = [s.start for s in spans if s.kind == "numeric"]
        blocks = [s for s in spans if s.kind != "numeric"]
        widest = max((b.width for b in blocks), default=1)
        # Categorical blocks gathered into a (n_blocks, widest) index, padded.
        index = torch.zeros((len(blocks), widest), dtype=torch.long)
        valid = torch.zeros((len(blocks), widest), dtype=torch.bool)
        for k, block in enumerate(blocks):
            index[k, : block.width] = torch.arange(block.start, block.stop)
            valid[k, : block.width] = True
        # Output = cat(numeric, valid categorical entries)[:, order].
        placed = torch.cat([torch.tensor(numeric, dtype=torch.long), index[valid]])
        order = torch.empty(n_out, dtype=torch.long)
        order[placed] = torch.arange(n_out)
        self.register_buffer("numeric_index", torch.tensor(numeric, dtype=torch.long))
        self.register_buffer("block_index", index)
        self.register_buffer("block_padding", ~valid)
        self.register_buffer("block_valid", valid)
        self.register_buffer("order", order)
        self.to(device)

    def forward(
        self, noise: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Generate encoded rows.

        Parameters
        ----------
        noise : Tensor of shape (n, latent_dim)
            Latent noise.
        generator : torch.Generator or None
            Source of Gumbel noise for the categorical blocks. ``None`` uses a
            plain softmax (no sampling).

        Returns
        -------
        Tensor of shape (n, n_encoded)
            ``tanh`` outputs on numeric spans, probabilities on categorical ones.
        """
        raw = self.net(noise)
        parts = [torch.tanh(raw[:, self.numeric_index])]
        if self.block_index.numel():
            logits = raw[:, self.block_index]
            if generator is not None:
                uniform = torch.rand(
                    logits.shape, generator=generator, device=logits.device
                )
                logits = logits - torch.log(-torch.log(uniform + _EPS) + _EPS)
                logits = logits / GUMBEL_TAU
            logits = logits.masked_fill(self.block_padding, -math.inf)
            probs = torch.softmax(logits, dim=-1)
            parts.append(probs[:, self.block_valid])
        return torch.cat(parts, dim=1)[:, self.order]


class Discriminator(nn.Module):
    """Score encoded rows: high for real, low for synthetic.

    Parameters
    ----------
    n_encoded : int
        Width of the encoded row.
    hidden : tuple of int
        Hidden layer widths.
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
        device: torch.device,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        self.net = _materialise(_mlp(n_encoded, hidden, 1), device, generator)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        """Return one logit (or critic score) per row, shape ``(n,)``."""
        return self.net(rows).squeeze(-1)
