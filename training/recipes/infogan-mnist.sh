#!/usr/bin/env bash
# Recipe for pretrained/infogan-mnist: InfoGAN (1 categorical code with 10 values, 2 continuous codes)
# on the 10k MNIST split, CPU, one thread, bf16 autocast (fp32 weights), with the paper's wider conv layers
# (g_width=64, d_width=64: twice the first bundled model's, which stalled at 0.81 categorical accuracy).
#
# InfoGAN's split of the digits into ten categories depends on the initialisation, so the recipe
# 1. trains SEEDS seeds for SWEEP_STEPS steps each and measures each one's categorical-code accuracy,
# 2. continues the best seed's run to STEPS steps and exports it,
# 3. runs the evaluation that writes the metrics and the code grids into the model card
#    (it trains the small MNIST classifier first if it is missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${SEEDS:-10 11 12 13 14 15}"
SWEEP_STEPS="${SWEEP_STEPS:-1500}"
STEPS="${STEPS:-20000}"
SWEEP=runs/infogan-v2-sweep
ARGS=(--family infogan --dataset mnist --batch-size 64 --sample-every 750 --checkpoint-every 250 --threads 1
      --precision bf16 --set g_width=64 --set d_width=64)
for s in $SEEDS; do
  if [ ! -f "$SWEEP/seed$s/eval.json" ]; then
    gan-studio train "${ARGS[@]}" --steps "$SWEEP_STEPS" --seed "$s" --out "$SWEEP/seed$s" --name "infogan-seed$s"
    gan-studio eval "$SWEEP/seed$s/model" --threads 1 --n 2000 --m 100 --json "$SWEEP/seed$s/eval.json"
  fi
done
best=$(python training/recipes/infogan_pick_seed.py "$SWEEP"/seed*/eval.json)
seed="${best##*seed}"
echo "continuing $best (seed $seed) to $STEPS steps"
gan-studio train "${ARGS[@]}" --steps "$STEPS" --seed "$seed" --out "$best" \
  --export pretrained/infogan-mnist --name infogan-mnist "$@"
gan-studio eval infogan-mnist --threads 1 --card
python training/recipes/infogan_pick_seed.py --markdown pretrained/infogan-mnist/README.md "$SWEEP"/seed*/eval.json
