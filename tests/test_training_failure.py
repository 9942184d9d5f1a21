"""Diverged training is detected, retried once, and otherwise a clear error."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification

import gan_oversampler._training as training_module
from gan_oversampler import GANOverSampler, TrainingFailedError
from gan_oversampler._training import train_gans


def _diverging(n_bad_calls: int, calls: list):
    """train_gans whose first ``n_bad_calls`` calls report NaN losses."""

    def fake(rows, spans, config, **kwargs):
        calls.append(config.learning_rate)
        results = train_gans(rows, spans, config, **kwargs)
        if len(calls) <= n_bad_calls:
            for _, history in results:
                history.generator_loss[-1] = np.nan
        return results

    return fake


@pytest.fixture
def data():
    return make_classification(n_samples=120, weights=[0.75], random_state=0)


def _name(n_generators: int) -> str:
    """How the messages name the first (or only) GAN of class 1."""
    return "class 1" if n_generators == 1 else r"class 1 \(generator 1 of 3\)"


@pytest.mark.parametrize("n_generators", [1, 3])
def test_divergence_is_retried_with_a_smaller_learning_rate(
    monkeypatch, data, fast, n_generators
):
    calls: list[float] = []
    monkeypatch.setattr(training_module, "train_gans", _diverging(1, calls))
    sampler = GANOverSampler(n_generators=n_generators, random_state=0, **fast)
    with pytest.warns(
        RuntimeWarning, match=rf"{_name(n_generators)} diverged.*retrying once"
    ) as record:
        X_res, _ = sampler.fit_resample(*data)
    # Each of the class's generators diverged, and each is retried alone.
    assert len(record) == n_generators
    assert calls == [pytest.approx(2e-4)] + [pytest.approx(2e-5)] * n_generators
    assert np.isfinite(X_res).all()
    for history in sampler.member_histories_[1]:
        assert np.isfinite(history.generator_loss).all()


@pytest.mark.parametrize("n_generators", [1, 3])
def test_divergence_twice_raises_naming_the_class(
    monkeypatch, data, fast, n_generators
):
    calls: list[float] = []
    monkeypatch.setattr(training_module, "train_gans", _diverging(2, calls))
    with (
        pytest.warns(RuntimeWarning),
        pytest.raises(
            TrainingFailedError, match=rf"{_name(n_generators)} diverged twice"
        ),
    ):
        GANOverSampler(n_generators=n_generators, random_state=0, **fast).fit_resample(
            *data
        )
    assert len(calls) == 2


@pytest.mark.parametrize("early_stopping", [False, True])
def test_real_divergence_is_retried_then_raises(data, fast, early_stopping):
    # A huge learning rate really diverges (non-finite weights within a few
    # steps), also at a tenth of it. With early stopping no evaluation is ever
    # finite and the class stops after 1,000 of its 1,200 steps; it must take
    # the same path as without: warning, retry, TrainingFailedError.
    settings = {**fast, "epochs": 1200, "learning_rate": 1e38}
    sampler = GANOverSampler(early_stopping=early_stopping, random_state=0, **settings)
    with (
        pytest.warns(RuntimeWarning, match=rf"{_name(3)} diverged.*retrying once"),
        pytest.raises(TrainingFailedError, match=rf"{_name(3)} diverged twice"),
    ):
        sampler.fit_resample(*data)
