"""Quality of synthetic rows measured against real rows of the same class.

Three complementary views of how good a set of synthetic rows is:

* :func:`detectability_auc` -- can a classifier tell synthetic rows from real
  ones?  0.5 means no, 1.0 means trivially.
* :func:`marginal_fidelity` -- does each column have the same distribution?
  1 - Kolmogorov-Smirnov statistic for numeric columns, 1 - total variation
  distance for categorical ones.
* :func:`distance_to_closest_record` -- are synthetic rows copies of real rows?
  0 means copies, about 1 means they are as far from the real rows as real
  rows are from each other.

:func:`quality_report` runs all three for every class a fitted oversampler
resampled.

All functions take two pandas DataFrames with the same columns, or two 2-D
NumPy arrays of the same width.  Missing values are allowed, so the output of
``GANOverSampler(missing="model")`` can be scored: a missing category is a
category of its own, and each function documents how it treats a missing
number.  Infinite numbers are refused, except by :func:`marginal_fidelity`.
None of the functions touches NumPy's or PyTorch's global random state.
"""

from __future__ import annotations

from ._detectability import detectability_auc
from ._marginals import ks_statistic, marginal_fidelity, total_variation_distance
from ._privacy import distance_to_closest_record
from ._report import quality_report

__all__ = [
    "detectability_auc",
    "distance_to_closest_record",
    "ks_statistic",
    "marginal_fidelity",
    "quality_report",
    "total_variation_distance",
]
