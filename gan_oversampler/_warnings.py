"""Warnings that point at the user's line of code."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import imblearn
import joblib
import sklearn

#: Where the library frames between the user and a warning live: this
#: package, and the scikit-learn, imbalanced-learn and joblib code that calls
#: it (``fit_resample``, pipelines and their caching, cross-validation).
_LIBRARY_DIRS = tuple(
    str(Path(module.__file__).parent) + os.sep
    for module in (sys.modules[__package__], sklearn, imblearn, joblib)
)


def warn_caller(message: str, category: type[Warning]) -> None:
    """Warn, attributing the warning to the first frame outside the libraries.

    A fixed ``stacklevel`` points at the right line only for one call path;
    ``GANOverSampler`` is reached through ``fit_resample``, ``fit``,
    pipelines and cross-validation, at different depths. The warning's file
    and line are those of the innermost caller that is not part of
    gan_oversampler, scikit-learn, imbalanced-learn or joblib, so that warning filters
    on the user's module work.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning
        The warning's class.
    """
    frame = sys._getframe(1)
    level = 2  # the caller of this function
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
