#!/usr/bin/env bash
# Recipe for pretrained/cyclegan-summer2winter: CycleGAN (both directions in one model) on unpaired
# synthetic summer (A) and winter (B) landscapes, 64 px, a small ResNet generator, CPU, one thread.
# Then measures it (domain accuracy, structure, cycle L1) with `gan-studio eval`.
set -euo pipefail
cd "$(dirname "$0")/../.."
gan-studio train --family cyclegan --dataset summer2winter --img-size 64 --steps 15000 --batch-size 1 \
  --lr 2e-4 --loss lsgan --seed 0 --sample-every 1000 --checkpoint-every 250 \
  --set ngf=16 --set ndf=32 --set n_blocks=6 --threads 1 --precision bf16 --log-every 100 \
  --out runs/cyclegan-summer2winter --export pretrained/cyclegan-summer2winter --name cyclegan-summer2winter "$@"
gan-studio eval cyclegan-summer2winter --threads 1 --json pretrained/cyclegan-summer2winter/metrics.json --card
