"""Device resolution, and CUDA training when a GPU is present."""

from __future__ import annotations

import contextlib
import io
import pickle
import types
import warnings

import numpy as np
import pytest
import torch
from _helpers import make_mixed
from sklearn.datasets import make_classification

from gan_oversampler import GANOverSampler
from gan_oversampler._cuda_graph_step import CUDAGraphStep
from gan_oversampler._device import resolve_device
from gan_oversampler._training import EVAL_EVERY_STEPS

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
two_gpus = pytest.mark.skipif(
    not torch.cuda.is_available() or torch.cuda.device_count() < 2,
    reason="needs two CUDA GPUs",
)


def test_cpu_and_auto():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected


@pytest.mark.parametrize("bad", ["gpu", "tpu:0", "", "mps"])
def test_unknown_or_unsupported_devices(bad):
    with pytest.raises(ValueError, match=repr(bad)):
        resolve_device(bad)


def test_wrong_type():
    with pytest.raises(TypeError, match="device must be"):
        resolve_device(0)


@cuda
@pytest.mark.cuda
def test_fit_on_cuda_returns_cpu_data_and_cpu_generators():
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    sampler = GANOverSampler(device="cuda", epochs=5, random_state=0)
    X_res, _y_res = sampler.fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and np.isfinite(X_res).all()
    assert sampler.device_.type == "cuda"
    assert all(p.device.type == "cpu" for p in sampler.generators_[1].parameters())
    # The pickle holds only CPU tensors, so it loads on a machine without CUDA.
    buffer = io.BytesIO()
    pickle.dump(sampler, buffer)
    restored = pickle.loads(buffer.getvalue())
    assert restored.sample(4, 1).shape == (4, X.shape[1])


@cuda
@pytest.mark.cuda
def test_cuda_is_deterministic_for_a_seed():
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    a = GANOverSampler(device="cuda", epochs=3, random_state=0).fit_resample(X, y)[0]
    b = GANOverSampler(device="cuda", epochs=3, random_state=0).fit_resample(X, y)[0]
    np.testing.assert_allclose(a, b, rtol=1e-5)


def _synchronizations(epochs: int, early_stopping: bool) -> int:
    """How many host-device synchronisations one CUDA fit performs."""
    X, y = make_classification(n_samples=400, weights=[0.75], random_state=0)
    sampler = GANOverSampler(
        device="cuda", epochs=epochs, early_stopping=early_stopping, random_state=0
    )
    torch.cuda.set_sync_debug_mode("warn")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sampler.fit_resample(X, y)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    return sum("synchronizing" in str(w.message) for w in caught)


@cuda
@pytest.mark.cuda
@pytest.mark.parametrize("early_stopping", [False, True])
def test_no_host_round_trips_inside_the_training_loop(early_stopping):
    # The number of synchronisations must not grow with the number of steps:
    # batches, noise, losses and statistics all stay on the GPU. Early stopping
    # reads its distances once per evaluation (every EVAL_EVERY_STEPS steps).
    # 100 minority rows, batch 64: one step per epoch.
    short = _synchronizations(40, early_stopping)
    long = _synchronizations(400, early_stopping)
    allowed = 400 // EVAL_EVERY_STEPS if early_stopping else 0
    assert long - short <= allowed


def _count_replays(monkeypatch) -> list:
    """A list that gets an entry each time a CUDA graph is replayed."""
    replays = []
    original = torch.cuda.CUDAGraph.replay

    def counting_replay(self):
        replays.append(1)
        return original(self)

    monkeypatch.setattr(torch.cuda.CUDAGraph, "replay", counting_replay)
    return replays


@cuda
@pytest.mark.cuda
def test_cuda_graph_replay_trains_like_eager_steps(monkeypatch):
    # Steps on a GPU replay a recorded CUDA graph; the result must be a GAN as
    # good as one trained with eager steps.
    replays = _count_replays(monkeypatch)
    X, y = make_classification(
        n_samples=600,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.7],
        random_state=0,
    )
    real = X[y == 1]
    errors = {}
    for graphs in (True, False):
        sampler = GANOverSampler(device="cuda", random_state=0)
        sampler._training_step = "cuda-graph" if graphs else "autograd"
        X_res, _ = sampler.fit_resample(X, y)
        synthetic = X_res[len(X) :]
        shift = np.abs(synthetic.mean(axis=0) - real.mean(axis=0)) / real.std(axis=0)
        errors[graphs] = float(shift.mean())
    assert len(replays) >= 1900  # ~2000 steps, all but the warm-up replayed
    # On the CPU this mean standardised shift is 0.03-0.15 over seeds.
    assert errors[True] < 0.3 and errors[False] < 0.3, errors


@cuda
@pytest.mark.cuda
def test_cuda_graph_step_draws_fresh_random_numbers_every_step():
    # Eager warm-up steps and CUDA graph replays alike must see new random
    # numbers from the generator at every step.
    device = torch.device("cuda")
    stats = torch.zeros((12, 1, 4), device=device)

    def step(out, rng):
        out.copy_(torch.rand((1, 4), generator=rng, device=device))

    context = types.SimpleNamespace(
        stats=stats, generator=torch.Generator(device).manual_seed(0)
    )
    run = CUDAGraphStep(context, compute=step)
    for k in range(len(stats)):
        run(k)
    rows = stats.reshape(len(stats), -1).cpu()
    assert len({tuple(row.tolist()) for row in rows}) == len(stats)
    assert run.use_graph and run.graph is not None


@cuda
@pytest.mark.cuda
def test_cuda_graph_is_recorded_for_mixed_tables(monkeypatch):
    # Categorical blocks (Gumbel noise, gathered one-hot entries) must record too.
    replays = _count_replays(monkeypatch)
    X, y = make_mixed()
    sampler = GANOverSampler(device="cuda", epochs=20, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert replays
    synthetic = X_res.iloc[len(X) :]
    for column in ["subject", "degree", "city", "coach"]:
        assert set(synthetic[column]) <= set(X[column])
    assert len(sampler.sample(7, label="rare")) == 7


def test_cuda_graph_is_captured_on_a_stream_of_the_training_device(monkeypatch):
    # Runs without a GPU (torch's CUDA graph API replaced by stand-ins). The
    # step must be captured with the training device current, on the runner's
    # side stream (made on that device): torch's own capture stream belongs
    # to whichever device was current when it was first made, and a step on
    # another device escapes the capture.
    events = []

    class Graph:
        def register_generator_state(self, rng):
            events.append("register")

    @contextlib.contextmanager
    def device(where):
        events.append(("device", where))
        yield

    @contextlib.contextmanager
    def graph(cuda_graph, pool=None, stream=None, **kwargs):
        events.append(("capture", stream))
        yield

    monkeypatch.setattr(torch.cuda, "CUDAGraph", Graph)
    monkeypatch.setattr(torch.cuda, "device", device)
    monkeypatch.setattr(torch.cuda, "graph", graph)
    runner = object.__new__(CUDAGraphStep)
    runner.stats = torch.zeros((5, 1, 4))
    runner.static, runner.rng, runner.side = runner.stats[0], torch.Generator(), "side"
    runner.compute = lambda out, rng: events.append("step")
    assert isinstance(runner._record(), Graph)
    assert events == [
        "register",
        ("device", runner.stats.device),
        ("capture", "side"),
        "step",
    ]


@two_gpus
@pytest.mark.cuda
def test_cuda_graph_trains_on_a_second_gpu(monkeypatch):
    # On cuda:1 the graph must record the steps: a capture on cuda:0's stream
    # records nothing (replays leave the networks and statistics as after the
    # warm-up) or fails (training falls back to eager steps, no replay).
    replays = _count_replays(monkeypatch)
    X, y = make_classification(n_samples=600, weights=[0.8], random_state=0)
    sampler = GANOverSampler(device="cuda:1", epochs=50, batch_size=16, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    history = sampler.history_[1]
    assert len(replays) >= 50 * (history.n_rows // 16) - 3
    assert np.isfinite(X_res).all()
    # Losses keep changing after the warm-up steps: the replays train.
    assert len(np.unique(history.generator_loss[1:])) == len(history) - 1
    assert sampler.sample(4, 1).shape == (4, X.shape[1])
