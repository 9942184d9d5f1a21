"""Balance imbalanced tabular datasets with per-class generative adversarial networks.

The package's main object is :class:`GANOverSampler`, an imbalanced-learn
oversampler that trains one small GAN per class that needs new rows.
"""

from ._errors import AdvisedInputError
from ._history import TrainingHistory
from ._sampler import GANOverSampler, SmallClassWarning, TrainingFailedError
from ._version import __version__

__all__ = [
    "AdvisedInputError",
    "GANOverSampler",
    "SmallClassWarning",
    "TrainingFailedError",
    "TrainingHistory",
    "__version__",
]
