"""scikit-learn and imbalanced-learn estimator contracts."""

from __future__ import annotations

import pytest
from imblearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
)
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.utils.estimator_checks import (
    parametrize_with_checks as sklearn_parametrize_with_checks,
)

from gan_oversampler import GANOverSampler


def tiny_sampler() -> GANOverSampler:
    """A configuration small enough to fit many times in a few seconds."""
    return GANOverSampler(
        epochs=2,
        batch_size=64,
        latent_dim=4,
        generator_hidden=8,
        discriminator_hidden=8,
        device="cpu",
        random_state=0,
    )


# Checks that cannot pass by design, with the reason (see docs/data_types.rst).
SKLEARN_EXPECTED_FAILURES: dict[str, str] = {}
IMBLEARN_EXPECTED_FAILURES: dict[str, str] = {
    "check_samplers_pandas_sparse": "dense-only: sparse DataFrames raise a TypeError",
}


@imblearn_parametrize_with_checks(
    [tiny_sampler()], expected_failed_checks=lambda est: IMBLEARN_EXPECTED_FAILURES
)
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)


@sklearn_parametrize_with_checks(
    [tiny_sampler()], expected_failed_checks=lambda est: SKLEARN_EXPECTED_FAILURES
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check", [check_param_validation, check_dataframe_column_names_consistency]
)
def test_imblearn_named_checks(check):
    check("GANOverSampler", tiny_sampler())
