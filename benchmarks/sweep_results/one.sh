#!/bin/bash
name=$1; shift
cd /tmp/sweep/snap
export PYTHONPATH=/tmp/sweep/snap OMP_NUM_THREADS=1
common="--datasets yeast4 abalone9-18 car-good german --folds 3 --quality-cv 3 --no-plot --out /tmp/sweep/$name"
start=$(date +%s)
if [ "$1" = STEPS ]; then
  AUTO_STEPS=4000 nice -n 10 /work/venv/bin/python /tmp/sweep/run_steps.py benchmarks/run.py --methods gan $common > /tmp/sweep/$name.log 2>&1
elif [ "$name" = baselines ]; then
  nice -n 10 /work/venv/bin/python benchmarks/run.py --methods none ros smote adasyn $common > /tmp/sweep/$name.log 2>&1
else
  nice -n 10 /work/venv/bin/python benchmarks/run.py --methods gan $common "$@" > /tmp/sweep/$name.log 2>&1
fi
rc=$?
echo "$name $(( $(date +%s) - start ))s rc=$rc $(date +%T)" >> /tmp/sweep/done.txt
