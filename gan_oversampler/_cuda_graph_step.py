"""The autograd training step on a GPU, recorded once as a CUDA graph.

A training step of these small networks is a hundred or so tiny kernels, so on
a GPU its cost is launch overhead. After :data:`GRAPH_WARMUP` eager steps on a
side stream, one :class:`~._autograd_step.AutogradStep` is recorded as a CUDA
graph and every later step replays it: one launch instead of a hundred.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import torch

from ._autograd_step import AutogradStep
from ._step_context import StepContext

__all__ = ["GRAPH_WARMUP", "CUDAGraphStep", "cuda_graphs_available"]

#: Eager warm-up steps before the step is recorded.
GRAPH_WARMUP = 3


def cuda_graphs_available(device: torch.device) -> bool:
    """Whether training steps on ``device`` can be recorded as a CUDA graph.

    Parameters
    ----------
    device : torch.device
        The training device.

    Returns
    -------
    bool
        ``True`` on a CUDA device with a torch whose graphs can hold a
        generator's state.
    """
    return device.type == "cuda" and hasattr(
        torch.cuda.CUDAGraph, "register_generator_state"
    )


class CUDAGraphStep:
    """Run autograd steps by replaying a CUDA graph.

    The steps draw their random numbers from a generator of their own, seeded
    from the training generator (two seeds drawn when the step is built) and
    registered with the graph, so that the training generator stays usable
    outside the graph. If recording fails, training goes on eagerly with a
    fresh generator from the second seed. Each step's statistics are copied
    into ``stats[step]``.

    Parameters
    ----------
    context : StepContext
        What the steps work on; its optimisers must be capturable.
    compute : callable or None
        ``compute(out, rng)`` takes one step and writes its statistics into
        ``out``; ``None`` means :meth:`AutogradStep.compute
        <._autograd_step.AutogradStep.compute>` on ``context``.
    """

    capturable: ClassVar[bool] = True

    def __init__(
        self,
        context: StepContext,
        compute: Callable[[torch.Tensor, torch.Generator], None] | None = None,
    ) -> None:
        self.compute = compute or AutogradStep(context).compute
        self.stats = stats = context.stats
        seed, self.fallback_seed = torch.randint(
            2**62, (2,), generator=context.generator, device=stats.device
        ).tolist()  # one host sync, before training
        self.rng = torch.Generator(stats.device).manual_seed(seed)
        self.static = torch.zeros_like(stats[0])
        self.side = torch.cuda.Stream(stats.device)
        self.use_graph = True
        self.graph: torch.cuda.CUDAGraph | None = None

    def __call__(self, step: int) -> None:
        """Take step number ``step``: eagerly, then by replaying the graph.

        Parameters
        ----------
        step : int
            Steps taken before this one; its statistics go to ``stats[step]``.
        """
        if self.use_graph and self.graph is None and step >= GRAPH_WARMUP:
            self.graph = self._record()  # on failure, use_graph becomes False
        if not self.use_graph:
            self.compute(self.stats[step], self.rng)
            return
        if self.graph is not None:
            self.graph.replay()
        else:  # warm-up on a side stream, as CUDA graph recording requires
            current = torch.cuda.current_stream(self.stats.device)
            self.side.wait_stream(current)
            with torch.cuda.stream(self.side):
                self.compute(self.static, self.rng)
            current.wait_stream(self.side)
        self.stats[step].copy_(self.static)

    def flush(self, n_steps: int) -> None:
        """Nothing to do: every step writes its statistics.

        Parameters
        ----------
        n_steps : int
            Steps taken so far.
        """

    def _record(self) -> torch.cuda.CUDAGraph | None:
        graph = torch.cuda.CUDAGraph()
        try:
            graph.register_generator_state(self.rng)
            # On the training device's side stream: without stream=, torch
            # captures on a process-wide stream of whichever device was current
            # when it was first made (cuda:0), and a step on cuda:1 escapes it.
            with (
                torch.cuda.device(self.stats.device),
                torch.cuda.graph(graph, stream=self.side),
            ):
                self.compute(self.static, self.rng)
        except RuntimeError:  # pragma: no cover - depends on the torch build
            self.use_graph = False
            self.rng = torch.Generator(self.stats.device).manual_seed(
                self.fallback_seed
            )
            return None
        return graph
