"""Synthetic data sets for examples, tests and the command-line demo."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ._random import local_generator

__all__ = ["make_teachers"]

SUBJECTS = (
    "general",
    "math",
    "science",
    "art",
    "music",
    "physical education",
    "special education",
)
DEGREES = ("bachelor", "master", "doctorate")
SCHOOL_TYPES = ("public", "private", "charter")

# Probability of teaching each subject in SUBJECTS order, by gender.
_SUBJECT_PROBS = {
    "female": (0.55, 0.08, 0.06, 0.08, 0.07, 0.05, 0.11),
    "male": (0.25, 0.12, 0.15, 0.05, 0.08, 0.28, 0.07),
}
# Share of teachers who came to teaching from another career, by gender.
_CAREER_CHANGER_PROB = {"female": 0.15, "male": 0.40}
# Age distribution (normal, then clipped to [22, 65]) by gender: (mean, std).
_AGE_PARAMS = {"female": (41.0, 10.5), "male": (44.0, 9.5)}
_MIN_AGE, _MAX_AGE = 22, 65


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _check_args(n_samples: object, male_fraction: object) -> int:
    """Validate the arguments of :func:`make_teachers`; return the number of men."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral):
        raise TypeError(
            f"n_samples must be an integer; got {type(n_samples).__name__} "
            f"{n_samples!r}."
        )
    if n_samples < 10:
        raise ValueError(f"n_samples must be at least 10; got {n_samples}.")
    if isinstance(male_fraction, bool) or not isinstance(male_fraction, Real):
        raise TypeError(
            f"male_fraction must be a number; got {type(male_fraction).__name__} "
            f"{male_fraction!r}."
        )
    if not (math.isfinite(male_fraction) and 0.0 < male_fraction < 1.0):
        raise ValueError(
            f"male_fraction must be strictly between 0 and 1; got {male_fraction!r}."
        )
    n_male = round(int(n_samples) * float(male_fraction))
    # Both classes always exist, however extreme the fraction.
    return min(max(n_male, 1), int(n_samples) - 1)


def make_teachers(
    n_samples: int = 1000,
    *,
    male_fraction: float = 0.1,
    random_state: int | np.random.Generator | np.random.RandomState | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Generate an imbalanced table of elementary-school teachers.

    Most elementary-school teachers are women and few are men. This function
    simulates such a staff table with mixed column types, so that the men form a
    small minority class that an oversampler can balance.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of teachers (rows). Must be at least 10.
    male_fraction : float, default=0.1
        Share of men, strictly between 0 and 1. Exactly
        ``round(n_samples * male_fraction)`` rows are men, but never fewer than
        one and never all of them, so both classes are always present.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or \
None, default=None
        Seed or generator for reproducible output. An int (or a generator in
        the same state) always gives the same table. Only a local generator is
        used: NumPy's global random state is neither seeded nor consumed (a
        ``RandomState`` passed in is itself advanced by one draw).

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, 8)
        One row per teacher, with a fresh ``RangeIndex`` and these columns:

        ``age`` : int64
            Age in years, 22 to 65.
        ``years_experience`` : int64
            Years of teaching, 0 to ``age - 22``.
        ``salary`` : float64
            Yearly salary in dollars, rounded to cents.
        ``weekly_hours`` : float32
            Hours worked per week, in half hours, 30 to 60.
        ``subject`` : category
            One of ``"general"``, ``"math"``, ``"science"``, ``"art"``,
            ``"music"``, ``"physical education"``, ``"special education"``
            (all seven are always declared categories).
        ``degree`` : ordered category
            ``"bachelor"`` < ``"master"`` < ``"doctorate"``.
        ``school_type`` : object
            Python ``str`` values ``"public"``, ``"private"`` or ``"charter"``.
        ``coaches_sport`` : bool
            Whether the teacher coaches a school sports team.
    y : pandas.Series of shape (n_samples,)
        The teacher's gender, named ``"gender"``, with object dtype holding the
        Python strings ``"female"`` and ``"male"`` (object rather than pandas'
        string dtype so that the dtype is the same for every pandas version).
        It shares the index of ``X``. Rows are shuffled, so men are spread
        through the table.

    Notes
    -----
    Every column is drawn from a simple, documented model, so a classifier has
    signal to learn and a generative model has structure to reproduce:

    * **Gender and age.** Ages are normal, then rounded and clipped to
      [22, 65]: mean 41 (sd 10.5) for women and mean 44 (sd 9.5) for men.
    * **Experience.** A latent "career changer" flag (15% of women, 40% of
      men) controls when teaching started: career changers start at a
      ``Beta(2, 2)`` fraction of the way from age 22 to their current age,
      others at a ``Beta(1, 8)`` fraction. ``years_experience`` is the whole
      number of years since then, so men tend to have fewer years for their
      age.
    * **Subject.** Depends on gender: women mostly teach general classes
      (55%); men teach physical education (28%), general classes (25%) and
      science (15%) much more often than women do.
    * **Degree.** The chance of a doctorate is ``0.015 + 0.002 *
      years_experience``; otherwise the chance of a master's degree rises with
      experience (logit ``-0.8 + 0.09 * years_experience``, ``+1`` for special
      education); the rest hold a bachelor's degree.
    * **School type.** 20% private; charter schools employ 20% of teachers
      with under 5 years of experience but only 9% of the others; the rest are
      public.
    * **Coaching.** ``coaches_sport`` has logit ``-2.6 + 2.6 * [physical
      education] + 1.5 * [male] - 0.03 * (age - 40)``.
    * **Salary.** ``39000 + 1300 * years_experience - 12 *
      years_experience**2`` plus 5500 for a master's or 10500 for a doctorate,
      minus 4000 at private and 2000 at charter schools, plus a 2800 coaching
      stipend, plus normal noise (sd 2200). Gender has no direct effect.
    * **Hours.** ``41`` plus 4.5 for coaches, 2 for special education and 1.5
      at private schools, plus normal noise (sd 2.5), rounded to half hours
      and clipped to [30, 60].

    Examples
    --------
    >>> from gan_oversampler.datasets import make_teachers
    >>> X, y = make_teachers(random_state=0)
    >>> X.shape
    (1000, 8)
    >>> y.value_counts()
    gender
    female    900
    male      100
    Name: count, dtype: int64
    >>> X.dtypes
    age                    int64
    years_experience       int64
    salary               float64
    weekly_hours         float32
    subject             category
    degree              category
    school_type           object
    coaches_sport           bool
    dtype: object
    >>> X, y = make_teachers(200, male_fraction=0.25, random_state=1)
    >>> int((y == "male").sum())
    50
    """
    n_male = _check_args(n_samples, male_fraction)
    n = int(n_samples)
    rng = local_generator(random_state)

    male = np.zeros(n, dtype=bool)
    male[:n_male] = True
    male = male[rng.permutation(n)]

    # Age.
    mean = np.where(male, _AGE_PARAMS["male"][0], _AGE_PARAMS["female"][0])
    std = np.where(male, _AGE_PARAMS["male"][1], _AGE_PARAMS["female"][1])
    age = np.clip(np.rint(rng.normal(mean, std)), _MIN_AGE, _MAX_AGE).astype(np.int64)

    # Years of experience, bounded by age - 22.
    changer_prob = np.where(
        male, _CAREER_CHANGER_PROB["male"], _CAREER_CHANGER_PROB["female"]
    )
    changer = rng.random(n) < changer_prob
    start_fraction = np.where(changer, rng.beta(2.0, 2.0, n), rng.beta(1.0, 8.0, n))
    span = age - _MIN_AGE
    experience = np.floor(span * (1.0 - start_fraction)).astype(np.int64)
    experience = np.clip(experience, 0, span)

    # Subject taught, by gender.
    subject_idx = np.empty(n, dtype=np.int64)
    for gender, is_group in (("female", ~male), ("male", male)):
        subject_idx[is_group] = rng.choice(
            len(SUBJECTS), size=int(is_group.sum()), p=_SUBJECT_PROBS[gender]
        )
    special_ed = subject_idx == SUBJECTS.index("special education")
    phys_ed = subject_idx == SUBJECTS.index("physical education")

    # Highest degree, by experience and subject.
    p_doctorate = 0.015 + 0.002 * experience
    p_master = (1.0 - p_doctorate) * _sigmoid(-0.8 + 0.09 * experience + special_ed)
    u = rng.random(n)
    degree_idx = np.where(
        u < p_doctorate, 2, np.where(u < p_doctorate + p_master, 1, 0)
    )

    # School type, by experience.
    p_private = np.full(n, 0.2)
    p_charter = np.where(experience < 5, 0.2, 0.09)
    u = rng.random(n)
    school_idx = np.where(u < p_private, 1, np.where(u < p_private + p_charter, 2, 0))
    private = school_idx == 1
    charter = school_idx == 2

    # Sports coaching, by subject, gender and age.
    p_coach = _sigmoid(-2.6 + 2.6 * phys_ed + 1.5 * male - 0.03 * (age - 40))
    coaches = rng.random(n) < p_coach

    # Salary: experience, degree, school type, coaching stipend.
    salary = (
        39000.0
        + 1300.0 * experience
        - 12.0 * experience**2
        + np.choose(degree_idx, [0.0, 5500.0, 10500.0])
        - 4000.0 * private
        - 2000.0 * charter
        + 2800.0 * coaches
        + rng.normal(0.0, 2200.0, n)
    )
    salary = np.round(salary, 2)

    # Weekly hours: coaching, special education, private school.
    hours = 41.0 + 4.5 * coaches + 2.0 * special_ed + 1.5 * private
    hours = hours + rng.normal(0.0, 2.5, n)
    hours = np.clip(np.round(hours * 2.0) / 2.0, 30.0, 60.0).astype(np.float32)

    X = pd.DataFrame(
        {
            "age": age,
            "years_experience": experience,
            "salary": salary.astype(np.float64),
            "weekly_hours": hours,
            "subject": pd.Categorical.from_codes(subject_idx, categories=SUBJECTS),
            "degree": pd.Categorical.from_codes(
                degree_idx, categories=DEGREES, ordered=True
            ),
            "school_type": pd.Series(
                np.array(SCHOOL_TYPES, dtype=object)[school_idx], dtype=object
            ),
            "coaches_sport": coaches,
        }
    )
    y = pd.Series(
        np.where(male, "male", "female").astype(object),
        index=X.index,
        name="gender",
        dtype=object,
    )
    return X, y
