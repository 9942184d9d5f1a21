"""
Reading the training history
============================

A GAN's losses do not fall steadily like a classifier's, so how do you know
that training went well? This example fits a sampler with two minority
classes, plots the per-class training history stored in ``history_``, explains
how to read it, and contrasts it with a deliberately unbalanced GAN whose
discriminator wins.
"""

# %%
# Two minority classes
# --------------------
#
# We reuse the simulated teachers table, but predict the type of school
# instead of the gender, which is moved into the features. Most teachers work
# at public schools; private and charter schools are minorities, so the
# sampler trains two GANs, one per minority class. With batches of 64 rows,
# an epoch is one optimisation step for the 104 charter-school teachers and two
# for the 180 private-school teachers.
from gan_oversampler.datasets import make_teachers

X, gender = make_teachers(n_samples=1000, random_state=0)
y = X.pop("school_type")
X["gender"] = gender
y.value_counts()

# %%
# We also turn on early stopping: at regular intervals the sampler measures how
# far the distribution of each encoded column of generated rows is from that
# of the real rows (the ``marginal_distance``), stops a class's training when
# this distance no longer improves, and keeps the generator of the best
# evaluation.
from gan_oversampler import GANOverSampler

sampler = GANOverSampler(early_stopping=True, random_state=0)
X_res, y_res = sampler.fit_resample(X, y)
print("synthetic rows per class:", dict(sampler.sampling_strategy_))
print("classes with a GAN:", list(sampler.history_))

# %%
# Plotting the history
# --------------------
#
# :func:`~gan_oversampler.plotting.plot_history` draws one row per class. On
# the left are the generator and discriminator losses; in the middle the
# discriminator's accuracy on real rows (the share it called real) and on
# synthetic rows (the share it called synthetic), with a dashed line at 0.5;
# on the right, because early stopping was on, the marginal distance at each
# evaluation, with a dotted line at the epoch whose generator was kept.
from gan_oversampler.plotting import plot_history

fig = plot_history(sampler)

# %%
# How to read it:
#
# * **Accuracy.** In the first epochs the curves swing widely while the two
#   networks find their footing. Then, as the generator improves, both
#   accuracies settle and fluctuate somewhat above 0.5, the level of guessing:
#   the discriminator is right only a little more often than chance. That is
#   the sign of healthy training. Accuracies that stay near 1.0 mean the
#   generator is losing.
# * **Losses.** With the default ``loss="bce"``, a discriminator that cannot
#   tell the rows apart has a loss of 2 ln 2, about 1.39, and the generator a
#   loss of ln 2, about 0.69. Curves that hover near these values tell the same
#   story as the accuracy. A discriminator loss sliding towards 0 while the
#   generator loss climbs means the discriminator is winning.
# * **Noise.** Each class has few rows, so each epoch is one or two batches
#   and the curves are noisy. Judge the trend over hundreds of epochs.
# * **Marginal distance.** It falls quickly at first and then levels off;
#   had it not improved for several evaluations, training would have stopped
#   there. It compares each encoded column on its own, so it says nothing
#   about the relationships between columns: a stopping rule, not a quality
#   guarantee.
#
# The same numbers are available as a DataFrame, one row per epoch, for your
# own plots or checks. Averaging the last epochs smooths out the noise:
import pandas as pd

curves = [
    "generator_loss",
    "discriminator_loss",
    "discriminator_accuracy_real",
    "discriminator_accuracy_fake",
]
last_epochs = pd.DataFrame(
    {
        label: history.to_frame()[curves].tail(100).mean()
        for label, history in sampler.history_.items()
    }
)
last_epochs.round(2)

# %%
# :class:`~gan_oversampler.TrainingHistory` also records how many real rows
# the GAN saw, the batch size it used, when early stopping ended training
# (``None`` when it ran all its epochs) and which epoch's generator was kept.
# Here the distance kept improving, so neither class stopped early; early
# stopping still kept the generator of each class's best evaluation rather
# than the last one:
for label, history in sampler.history_.items():
    print(
        f"{label}: {history.n_rows} rows, batch size {history.batch_size}, "
        f"{len(history)} epochs, stopped at {history.stopped_epoch}, "
        f"kept epoch {history.best_epoch}"
    )

# %%
# When the discriminator wins
# ---------------------------
#
# To see what failure looks like, we cripple the generator: two latent
# dimensions and a single hidden layer of 4 units, against a discriminator
# with two layers of 256 units. The failure shows within a few dozen epochs, so
# we stop at 150, without early stopping.
weak = GANOverSampler(
    latent_dim=2,
    generator_hidden=4,
    discriminator_hidden=(256, 256),
    epochs=150,
    random_state=0,
)
X_weak, y_weak = weak.fit_resample(X, y)
fig = plot_history(weak)

# %%
# Within a few dozen epochs both accuracies climb towards 1.0 and stay there: the
# discriminator recognises nearly every synthetic row, its loss drops towards
# 0 and the generator's loss keeps growing. The synthetic rows show why. Here are
# the charter-school teachers of both samplers, for a few columns:
import matplotlib.pyplot as plt

from gan_oversampler.plotting import plot_real_vs_synthetic

columns = ["age", "salary", "weekly_hours", "subject"]
real_charter = X[y == "charter"]
for name, resampled, labels in (
    ("healthy GAN", X_res, y_res),
    ("weak generator", X_weak, y_weak),
):
    synthetic_charter = resampled.iloc[len(X) :][labels.iloc[len(X) :] == "charter"]
    fig = plot_real_vs_synthetic(real_charter, synthetic_charter, columns=columns)
    fig.suptitle(f"Charter-school teachers: {name}")
plt.show()

# %%
# The healthy GAN follows the real distributions reasonably well. The weak
# generator cannot represent them: its salaries crowd into the lower part of
# the range observed among charter-school teachers and never reach its top
# quarter, and its subjects are spread too evenly.
#
# Numbers instead of pictures
# ---------------------------
#
# :func:`~gan_oversampler.metrics.quality_report` summarises each class:
# ``detectability_auc`` is how well a classifier separates synthetic from real
# rows (0.5 is ideal, 1.0 means every synthetic row is spotted),
# ``marginal_fidelity`` how similar the columns' distributions are, averaged
# over the columns (1.0 is ideal), and ``dcr_ratio`` how far synthetic rows
# are from their closest real row, relative to how far real rows are from each
# other (near 0 means copies of real rows). The weak generator is easy to
# detect and reproduces the columns' distributions worse.
from gan_oversampler.metrics import quality_report

reports = {
    "healthy GAN": quality_report(sampler, X, y, random_state=0),
    "weak generator": quality_report(weak, X, y, random_state=0),
}
pd.concat(reports, names=["sampler"]).round(3)

# %%
# What to do when training goes wrong
# -----------------------------------
#
# * Accuracy stuck near 1.0: train longer, make the discriminator smaller or
#   the generator larger, or try ``loss="wgan-gp"``.
# * Accuracy near 0.5 but poor synthetic rows: look for mode collapse, that is
#   repeated rows, narrow histograms or a single dominant category. Try
#   ``loss="wgan-gp"``, a larger ``latent_dim``, a lower ``learning_rate`` or
#   another ``random_state``.
# * Losses that become NaN: the sampler retries once with a ten times smaller
#   learning rate and raises :class:`~gan_oversampler.TrainingFailedError` if
#   that fails too.
#
# The :ref:`user guide <reading-history>` covers these patterns in more
# detail.
