#!/usr/bin/env bash
# Recipe for pretrained/infogan-mnist: InfoGAN (1 categorical code with 10 values, 2 continuous codes)
# on the 10k MNIST split, CPU, one thread. Then the evaluation that writes the metrics and the
# code grids into the model card (it trains the small MNIST classifier first if it is missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
gan-studio train --family infogan --dataset mnist --steps 6000 --batch-size 64 --seed 0 \
  --sample-every 500 --threads 1 \
  --out runs/infogan-mnist --export pretrained/infogan-mnist --name infogan-mnist "$@"
gan-studio eval infogan-mnist --threads 1 --card
