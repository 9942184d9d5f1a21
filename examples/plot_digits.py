"""
Synthetic handwritten digits
============================

The UCI handwritten digits (:func:`sklearn.datasets.load_digits`) are 8x8
images with pixel intensities from 0 to 16, stored as 64 numeric columns. This
example makes the digit "2" rare, trains a GAN on the remaining 2s and looks
at the synthetic 2s it draws. Images make the quality of synthetic rows easy
to judge by eye.
"""

# %%
# Making "2" rare
# ---------------
#
# Each digit has about 180 images. We keep only 60 randomly chosen 2s. The
# pixels are cast to integers: the sampler rounds synthetic values of integer
# columns, so synthetic pixels are whole numbers from 0 to 16 like the real
# ones.
import numpy as np
from sklearn.datasets import load_digits

X, y = load_digits(return_X_y=True)
X = X.astype(np.int64)

rng = np.random.default_rng(0)
twos = np.flatnonzero(y == 2)
dropped = rng.choice(twos, size=len(twos) - 60, replace=False)
keep = np.ones(len(y), dtype=bool)
keep[dropped] = False
X_rare, y_rare = X[keep], y[keep]
print("images per digit:", np.bincount(y_rare))

# %%
# Training a GAN on the 2s
# ------------------------
#
# A dict ``sampling_strategy`` asks for a number of rows per class; here 180
# images of 2 in total, so 120 synthetic ones. Every column is numeric, so
# the encoded row is the 64 pixels scaled to ``[-1, 1]``, and the ``"auto"``
# network sizes follow from that width. The default batch size of 64 is capped
# at the 60 rows of the class, so each epoch is one optimisation step on all
# the 2s, and the default ``epochs="auto"`` makes about 2,000 of them.
from gan_oversampler import GANOverSampler

sampler = GANOverSampler(sampling_strategy={2: 180}, random_state=0)
X_res, y_res = sampler.fit_resample(X_rare, y_rare)
synthetic = X_res[len(X_rare) :]
print("synthetic 2s:", synthetic.shape, synthetic.dtype)
print("pixel range:", synthetic.min(), "to", synthetic.max())

# %%
# Real and synthetic 2s
# ---------------------
#
# The top two rows show real 2s, the bottom two synthetic ones.
import matplotlib.pyplot as plt

real = X_rare[y_rare == 2]
fig, axes = plt.subplots(4, 10, figsize=(8, 3.6), layout="constrained")
for i, ax in enumerate(axes.flat):
    image = real[i] if i < 20 else synthetic[i - 20]
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_axis_off()
axes[0, 0].set_title("real", loc="left", fontsize="medium")
axes[2, 0].set_title("synthetic", loc="left", fontsize="medium")
plt.show()

# %%
# New images or copies?
# ---------------------
#
# A generator that memorised its 60 training images would be of little use.
# For some synthetic 2s, we show the closest real 2 (in Euclidean distance
# over the 64 pixels) underneath: similar in style, but not the same image.
from sklearn.metrics import pairwise_distances

distances = pairwise_distances(synthetic, real)
closest = distances.argmin(axis=1)
fig, axes = plt.subplots(2, 8, figsize=(7, 2.2), layout="constrained")
for k in range(8):
    axes[0, k].imshow(synthetic[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    axes[1, k].imshow(real[closest[k]].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
for ax in axes.flat:
    ax.set_axis_off()
axes[0, 0].set_title("synthetic", loc="left", fontsize="medium")
axes[1, 0].set_title("closest real", loc="left", fontsize="medium")
plt.show()

# %%
# Compare the distance from each synthetic 2 to its closest real 2 with the
# distance from each real 2 to its closest *other* real 2. Exact copies
# would have distance 0.
real_distances = pairwise_distances(real)
np.fill_diagonal(real_distances, np.inf)
print(f"synthetic to closest real: median {np.median(distances.min(axis=1)):.1f}")
print(f"real to closest other real: median {np.median(real_distances.min(axis=1)):.1f}")
print("exact copies:", int((distances.min(axis=1) == 0).sum()))

# %%
# Do they look like 2s to a classifier?
# -------------------------------------
#
# A classifier trained on the full data set (all ten digits, all the real 2s)
# gives an independent opinion: which digit does it see in each synthetic
# image?
from sklearn.svm import SVC

classifier = SVC().fit(X, y)
predicted = classifier.predict(synthetic)
print(f"{np.mean(predicted == 2):.0%} of the synthetic images are classified as 2")
print("other predictions:", np.bincount(predicted, minlength=10))
