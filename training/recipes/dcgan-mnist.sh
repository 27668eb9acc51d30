#!/usr/bin/env bash
# Recipe for pretrained/dcgan-mnist: DCGAN on the 10k MNIST split, CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
gan-studio train --family dcgan --dataset mnist --steps 4000 --batch-size 64 --seed 0 \
  --out runs/dcgan-mnist --export pretrained/dcgan-mnist --name dcgan-mnist "$@"
