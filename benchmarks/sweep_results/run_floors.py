"""Run the harness with other floors for the "auto" hidden sizes.

Environment: GFLOOR (generator layers, default rule 64), D1FLOOR and D2FLOOR
(the discriminator's two layers, 64 and 32).  Usage:

    GFLOOR=32 D1FLOOR=32 D2FLOOR=16 python benchmarks/sweep_results/run_floors.py \
        benchmarks/run.py --methods gan --out /tmp/sweep/small32
"""

import os
import runpy
import sys

import gan_oversampler._networks as networks
import gan_oversampler._sampler as sampler

G, D1, D2 = (int(os.environ[k]) for k in ("GFLOOR", "D1FLOOR", "D2FLOOR"))


def resolve(n_encoded, latent_dim, generator_hidden, discriminator_hidden):
    latent, g_hidden, d_hidden = networks.resolve_architecture(
        n_encoded, latent_dim, generator_hidden, discriminator_hidden
    )
    if generator_hidden == "auto":
        width = networks._clip(latent + n_encoded, G, 256)
        g_hidden = (width, width)
    if discriminator_hidden == "auto":
        d_hidden = (
            networks._clip(n_encoded, D1, 256),
            networks._clip(n_encoded / 2, D2, 128),
        )
    return latent, g_hidden, d_hidden


sampler.resolve_architecture = resolve
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
