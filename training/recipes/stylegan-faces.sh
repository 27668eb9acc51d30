#!/usr/bin/env bash
# Recipe for pretrained/stylegan-faces: a small StyleGAN2 (mapping + modulated convs, style mixing
# p=0.9, lazy R1) on the synthetic faces at 32x32, CPU (one thread). Then its evaluation:
# the attribute classifier is trained on generated faces and the style-mixing rates are measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
gan-studio train --family stylegan --dataset faces --img-size 32 --steps 3000 --batch-size 16 --seed 0 \
  --set z_dim=32 --set w_dim=64 --set channel_base=512 --set channel_max=48 \
  --set d_channel_base=512 --set d_channel_max=48 --set mixing_prob=0.9 --set r1_gamma=0.05 \
  --checkpoint-every 100 --sample-every 100 \
  --out runs/stylegan-faces --export pretrained/stylegan-faces --name stylegan-faces "$@"
gan-studio eval stylegan-faces --json runs/stylegan-faces/eval.json --card
