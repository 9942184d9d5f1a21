"""Stacked (multi-class) training: the same algorithm as training classes alone."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from _helpers import script_distances, spy_on_evaluations
from sklearn.datasets import make_classification

from gan_oversampler import GANOverSampler
from gan_oversampler import _training as training
from gan_oversampler._losses import BatchRows, make_loss
from gan_oversampler._spans import Span
from gan_oversampler._training import generate, train_gans
from gan_oversampler._training_plan import TrainingConfig

SPANS = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 2, "numeric"),
    Span(2, 2, 5, "categorical"),
]
CONFIG = TrainingConfig(
    latent_dim=8,
    generator_hidden=(32, 32),
    discriminator_hidden=(32, 16),
    epochs=40,
    batch_size=32,
    learning_rate=1e-3,
    loss="bce",
)
CPU = torch.device("cpu")


def _rows(n, shift, seed):
    rng = np.random.default_rng(seed)
    numeric = np.clip(rng.normal(shift, 0.2, size=(n, 2)), -1, 1)
    one_hot = np.eye(3)[rng.integers(0, 3, n)]
    return np.hstack([numeric, one_hot]).astype(np.float32)


def _train(rows, config=CONFIG, seed=0):
    return train_gans(
        rows, SPANS, config, device=CPU, generator=torch.Generator().manual_seed(seed)
    )


def _weights(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_a_class_does_not_depend_on_the_other_classes_rows(loss):
    """Each class's networks, optimiser state and loss (the gradient penalty
    included) are its own: changing another class's rows (not its size) leaves
    this class's result bit-identical."""
    a = _rows(80, 0.5, 1)
    config = _config(loss=loss)
    (net_1, hist_1), _ = _train([a, _rows(50, -0.5, 2)], config)
    (net_2, hist_2), _ = _train([a, _rows(50, 0.9, 3)], config)
    for key, value in _weights(net_1).items():
        torch.testing.assert_close(value, _weights(net_2)[key], rtol=0, atol=0)
    np.testing.assert_array_equal(hist_1.generator_loss, hist_2.generator_loss)


def test_histories_follow_each_class_epochs_and_batch_size():
    big, small = _rows(200, 0.5, 1), _rows(20, -0.5, 2)
    (net_big, hist_big), (net_small, hist_small) = _train([big, small])
    assert len(hist_big) == len(hist_small) == CONFIG.epochs
    assert hist_big.batch_size == 32 and hist_small.batch_size == 20
    assert net_big.n_stack == net_small.n_stack == 1
    for history in (hist_big, hist_small):
        assert np.isfinite(history.generator_loss).all()
        acc = history.discriminator_accuracy_real
        assert ((acc >= 0) & (acc <= 1)).all()


def test_wgan_gp_signs_agree():
    """The critic is rewarded for scoring real rows above fake ones and the
    generator for raising its rows' scores: a generator that climbed the wrong
    way would drift away from its class."""
    loss = make_loss("wgan-gp")
    rows = BatchRows.first(torch.tensor([4, 2]), width=4)
    high, low = torch.ones((2, 4)), torch.zeros((2, 4))
    assert (loss.generator(high, rows) < loss.generator(low, rows)).all()

    class Linear(torch.nn.Module):
        # A linear critic: its gradient, so its penalty, is the same anywhere.
        def forward(self, x):
            return x.sum(dim=-1)

    real, fake = torch.ones((2, 4, 3)), -torch.ones((2, 4, 3))
    critic = {
        order: loss.discriminator(
            *order, rows, Linear(), real, fake, torch.Generator().manual_seed(0)
        )
        for order in ((high, low), (low, high))
    }
    assert (critic[high, low] < critic[low, high]).all()


def test_batch_rows_mean_ignores_padding():
    rows = BatchRows.first(torch.tensor([3, 1]), width=4)
    values = torch.tensor([[1.0, 2.0, 6.0, 100.0], [5.0, -7.0, -7.0, -7.0]])
    assert rows.mean(values).tolist() == [3.0, 5.0]
    # A fraction of rows is exactly 1 when every row counts (no rounding above 1).
    ones = BatchRows.first(torch.tensor([20]), width=20)
    assert ones.mean(torch.ones((1, 20))).item() == 1.0


def _config(**changes):
    return TrainingConfig(**{**CONFIG.__dict__, **changes})


def _finite(net):
    return all(torch.isfinite(p).all() for p in net.parameters())


def test_early_stopping_returns_a_diverged_generator_as_it_stopped():
    # A huge learning rate makes every weight non-finite within a few steps, so
    # no evaluation is ever finite, and a NaN never counts as an improvement.
    # The class still stops (10 evaluations, >= 400 steps) before its last
    # step; the generator it returns is the one it stopped with, non-finite, so
    # the sampler sees the divergence. No epoch was ever the best.
    config = _config(learning_rate=1e38, early_stopping=True, epochs=1200)
    for net, history in _train([_rows(32, 0.5, 1), _rows(20, -0.5, 2)], config):
        assert history.stopped_epoch == 1000 and history.n_steps == 1000
        assert history.best_epoch is None
        assert np.isnan(history.marginal_distance).all()
        assert not _finite(net)
        assert not np.isfinite(history.generator_loss).all()


def test_marginal_distance_is_each_epochs_lowest_evaluation(monkeypatch):
    # 1,000 rows, batch 4: 250 steps per epoch, so each epoch holds two or
    # three evaluations (every 100 steps). Each epoch records its lowest one,
    # so the kept generator's distance is the one at best_epoch. The scripted
    # distances put the best at step 800, the first of epoch 4's three
    # evaluations; a large patience keeps all 8 epochs running.
    monkeypatch.setattr(training, "PATIENCE", 100)
    script = [0.9, 0.85, 0.8, 0.82, 0.78, 0.75, 0.7, 0.5, 0.6, 0.55]
    script += [0.65, 0.7, 0.68, 0.72, 0.7, 0.75, 0.8, 0.85, 0.9, 0.88]
    script_distances(monkeypatch, script)
    evaluations = spy_on_evaluations(monkeypatch)
    config = _config(early_stopping=True, epochs=8, batch_size=4)
    ((_, history),) = _train([_rows(1000, 0.5, 3)], config)
    assert [step for step, _ in evaluations] == list(range(100, 2001, 100))
    assert [value for _, value in evaluations] == np.float32(script).tolist()
    per_epoch = {}
    for step, value in evaluations:
        per_epoch.setdefault(-(-step // 250), []).append((step, value))
    assert sorted(per_epoch) == list(range(1, 9))
    np.testing.assert_array_equal(
        history.marginal_distance,
        [min(value for _, value in per_epoch[epoch]) for epoch in range(1, 9)],
    )
    assert history.best_epoch == 4 and history.stopped_epoch is None
    assert history.marginal_distance[history.best_epoch - 1] == 0.5


def test_history_counts_are_plain_ints(monkeypatch):
    # NumPy integer settings must not leak NumPy scalars into the history
    # (the save format stores plain values).
    config = _config(epochs=np.int64(3), batch_size=np.int64(16))
    ((_, history),) = _train([_rows(40, 0.5, 1)], config)
    assert history.batch_size == 16 and history.n_steps == 6
    for name in ("n_rows", "batch_size", "n_steps"):
        assert type(getattr(history, name)) is int, name
    # Early stopping fires by construction: the first evaluation (step 100) is
    # the best, the rest a plateau, so a patience of 10 stops the class at step
    # 1,100 of 2,000 (32 rows, batch 32: one step an epoch).
    script_distances(monkeypatch, [1.0])
    stopping = _config(early_stopping=True, epochs=np.int64(2000), batch_size=32)
    ((_, history),) = _train([_rows(32, 0.5, 1)], stopping)
    assert (history.best_epoch, history.stopped_epoch) == (100, 1100)
    for name in ("stopped_epoch", "best_epoch", "n_steps"):
        assert type(getattr(history, name)) is int, name


@pytest.fixture
def float64_default():
    """Make float64 torch's default dtype during the test."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def _train_and_generate(rows, config):
    """Weights of each trained class and 20 rows generated from each."""
    results = _train(rows, config)
    return [
        (_weights(net), generate(net, 20, generator=torch.Generator().manual_seed(3)))
        for net, _ in results
    ]


@pytest.mark.parametrize("step", ["manual", "autograd"])
def test_training_ignores_the_default_dtype(request, step):
    # The hand-written CPU step and the autograd step both train float32
    # networks, bit for bit as under torch's usual float32 default.
    rows = [_rows(40, 0.5, 1), _rows(24, -0.5, 2)]
    config = _config(epochs=4, early_stopping=True, step=step)
    expected = _train_and_generate(rows, config)
    request.getfixturevalue("float64_default")
    for (weights, generated), (expected_weights, expected_rows) in zip(
        _train_and_generate(rows, config), expected, strict=True
    ):
        assert generated.dtype == np.float32
        np.testing.assert_array_equal(generated, expected_rows)
        for name, value in weights.items():
            assert value.dtype == expected_weights[name].dtype
            torch.testing.assert_close(value, expected_weights[name], rtol=0, atol=0)


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_sampler_ignores_the_default_dtype(request, loss):
    X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    settings = dict(epochs=2, random_state=0, device="cpu", loss=loss)
    fitted = GANOverSampler(**settings)
    X_expected, _ = fitted.fit_resample(X, y)
    twin = copy.deepcopy(fitted)  # the same next sample() call
    sample_expected = fitted.sample(5, 1)
    request.getfixturevalue("float64_default")
    # Sampling from a sampler fitted under float32, and fitting anew.
    np.testing.assert_array_equal(twin.sample(5, 1), sample_expected)
    X_res, _ = GANOverSampler(**settings).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_expected)
