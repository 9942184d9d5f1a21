"""Run the harness with other floors for the "auto" hidden sizes.

Environment: GFLOOR (the generator's hidden layers, default 64), D1FLOOR and
D2FLOOR (the discriminator's two layers, 64 and 32).  Usage:

    GFLOOR=32 D1FLOOR=32 D2FLOOR=16 python benchmarks/sweep_results/run_floors.py \
        benchmarks/run.py --methods gan --out /tmp/sweep/small32
"""

import os
import runpy
import sys

import gan_oversampler._networks as networks

networks._GENERATOR_FLOOR = int(os.environ["GFLOOR"])
networks._DISCRIMINATOR_FLOORS = (int(os.environ["D1FLOOR"]), int(os.environ["D2FLOOR"]))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
