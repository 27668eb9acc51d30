#!/usr/bin/env bash
# Recipe for pretrained/stylegan-faces: a small StyleGAN2 (mapping + modulated convs, style mixing
# p=0.9, lazy R1) on the synthetic faces at 32x32, CPU (one thread). Then its evaluation:
# the attribute classifier is trained on generated faces and the style-mixing rates are measured.
#
# architecture=orig (only the 32 px layer has a ToRGB) and channel_base=1536 (48 channels at every
# resolution, so the fine 32 px layers are as wide as the coarse ones): in a 3000-step pilot the
# default skip output with 16 channels at 32 px left the colours to the 4-16 px layers.
set -euo pipefail
cd "$(dirname "$0")/../.."
gan-studio train --family stylegan --dataset faces --img-size 32 --steps 11000 --batch-size 16 --seed 0 \
  --set z_dim=32 --set w_dim=64 --set channel_base=1536 --set channel_max=48 \
  --set d_channel_base=512 --set d_channel_max=48 --set mixing_prob=0.9 --set r1_gamma=0.05 \
  --set architecture=orig --checkpoint-every 500 --sample-every 500 \
  --out runs/stylegan-faces-v2 --export pretrained/stylegan-faces --name stylegan-faces --threads 1 "$@"
gan-studio eval stylegan-faces --json runs/stylegan-faces-v2/eval.json --card
