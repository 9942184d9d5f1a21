"""Run the harness with gan_oversampler._training_plan.AUTO_STEPS overridden (epochs="auto" budget)."""
import os, runpy, sys
import gan_oversampler._training_plan as t
t.AUTO_STEPS = int(os.environ["AUTO_STEPS"])
sys.argv = [sys.argv[1]] + sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
