"""Model selection on a Dask cluster through joblib's ``"dask"`` backend.

``cross_validate`` and ``GridSearchCV`` over a pipeline with the sampler must
give the same results on a two-worker :class:`~dask.distributed.LocalCluster`
as in a sequential run (``random_state=0``), and the fits must really run on
the cluster's workers.

The cluster runs its workers as threads of this process: a cluster of worker
processes takes 20 s or more to start on a busy two-core machine (each worker
imports torch and warms it up), against well under a second for threads.
Threaded workers also check that concurrent fits do not share random state.
What worker processes add, pickling the estimators to and from the workers, is
covered by round-tripping a fitted pipeline through Dask's own serialization.
"""

from __future__ import annotations

import re

import joblib
import numpy as np
import pytest
from _helpers import FAST, make_mixed
from imblearn.pipeline import Pipeline
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from gan_oversampler import GANOverSampler

distributed = pytest.importorskip("dask.distributed")

# joblib's dask backend names each task after the function and batch size.
_FIT_TASK = re.compile(r"batch_of__fit_and_score_(\d+)_calls")


@pytest.fixture(scope="module")
def client():
    """A client of a local two-worker cluster, closed after the module."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,  # in-process transport: no sockets, starts fast
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _mixed_pipeline():
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), make_column_selector(dtype_include="number")),
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )
    return Pipeline(
        [
            ("gan", GANOverSampler(random_state=0, **FAST)),
            ("pre", pre),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )


def _on_cluster(client, run):
    """Call ``run()`` under joblib's dask backend; return its result and tasks."""
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_backend("dask"),
    ):
        result = run()
    return result, stream.data


def _assert_fits_ran_on_workers(client, tasks, n_fits):
    """Exactly ``n_fits`` fits ran as cluster tasks, on the cluster's workers."""
    workers = set(client.scheduler_info()["workers"])
    fits = [t for t in tasks if _FIT_TASK.search(str(t["key"]))]
    n_ran = sum(int(_FIT_TASK.search(str(t["key"])).group(1)) for t in fits)
    assert n_ran == n_fits, sorted(str(t["key"]) for t in tasks)
    assert {t["worker"] for t in fits} <= workers
    assert all(t["status"] == "OK" for t in fits)


def _generator_weights(pipeline):
    """The weights of the (single) minority class's generator."""
    (net,) = pipeline.named_steps["gan"].generators_.values()
    return [p.detach().numpy() for p in net.state_dict().values()]


def _assert_same_generators(got, want):
    for a, b in zip(_generator_weights(got), _generator_weights(want), strict=True):
        np.testing.assert_array_equal(a, b)


def test_cross_validate_on_dask_matches_sequential(client):
    X, y = make_mixed()
    pipe = _mixed_pipeline()
    cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)

    def run(n_jobs):
        return cross_validate(
            pipe,
            X,
            y,
            cv=cv,
            scoring="balanced_accuracy",
            return_estimator=True,
            n_jobs=n_jobs,
        )

    expected = run(n_jobs=None)  # sequential
    result, tasks = _on_cluster(client, lambda: run(n_jobs=-1))

    np.testing.assert_array_equal(result["test_score"], expected["test_score"])
    for got, want in zip(result["estimator"], expected["estimator"], strict=True):
        _assert_same_generators(got, want)
    _assert_fits_ran_on_workers(client, tasks, n_fits=4)


def test_grid_search_on_dask_matches_sequential(client):
    X, y = make_classification(
        n_samples=200, n_features=6, weights=[0.8], random_state=0
    )
    pipe = Pipeline(
        [("gan", GANOverSampler(random_state=0, **FAST)), ("clf", LogisticRegression())]
    )
    grid = {"gan__epochs": [1, 3], "gan__loss": ["bce", "wgan-gp"]}

    def run(n_jobs):
        return GridSearchCV(pipe, grid, cv=3, scoring="f1", n_jobs=n_jobs).fit(X, y)

    expected = run(n_jobs=None)
    search, tasks = _on_cluster(client, lambda: run(n_jobs=-1))

    got, want = search.cv_results_, expected.cv_results_
    for key in ("params", "mean_test_score", "split0_test_score", "rank_test_score"):
        np.testing.assert_array_equal(got[key], want[key])
    assert search.best_params_ == expected.best_params_
    _assert_same_generators(search.best_estimator_, expected.best_estimator_)
    _assert_fits_ran_on_workers(client, tasks, n_fits=4 * 3)


def test_fitted_pipeline_survives_dask_serialization():
    """What a cluster of worker processes does to send a fitted pipeline back."""
    X, y = make_mixed()
    pipe = _mixed_pipeline().fit(X, y)
    header, frames = distributed.protocol.serialize(pipe)
    copy = distributed.protocol.deserialize(header, frames)

    assert copy is not pipe
    _assert_same_generators(copy, pipe)
    np.testing.assert_array_equal(copy.predict(X), pipe.predict(X))
    # The copy carries on the sampler's stream of sample() calls unchanged.
    sampler, sampler_copy = pipe.named_steps["gan"], copy.named_steps["gan"]
    rows = sampler.sample(5, label="rare")
    rows_copy = sampler_copy.sample(5, label="rare")
    assert rows_copy.equals(rows)
