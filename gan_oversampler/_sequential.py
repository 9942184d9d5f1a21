"""Run scikit-learn transformers in-process, whatever joblib backend is active."""

from __future__ import annotations

from contextlib import AbstractContextManager

from joblib import parallel_config

__all__ = ["sequential"]


def sequential() -> AbstractContextManager:
    """A context in which joblib runs everything in the calling process.

    Under ``joblib.parallel_backend("dask")`` a ColumnTransformer would send
    each tiny per-column step to the cluster as its own task.

    Returns
    -------
    contextlib.AbstractContextManager
    """
    return parallel_config(backend="sequential")
