#!/usr/bin/env bash
# Trains a model version whose interference head learned from simulator feedback, in two rounds, as a deployment
# retrains on the feedback of what it runs (docs/simulation.md, "Feedback for the learned interference head"):
#   round 1: feedback of the statistical policy (seeds 7 and 8) → a first version;
#   round 2: feedback of the learned policy running that version (same seeds) added → the final version.
# The simulator is evaluated on other seeds (42, 101-103). Scratch files go to $WORK (default tmp/interference).
#   training/interference-rounds.sh [--out models] [--version NAME] [-- TRAIN_OPTIONS...]
# Options after `--` go to both `training/train.ts` runs (e.g. -- --observed-peak-share 1).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=models
VERSION=""
TRAIN_OPTIONS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; TRAIN_OPTIONS=("$@"); break ;;
    --out) OUT="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK="${WORK:-tmp/interference}"
mkdir -p "$WORK"
simulate() { npx tsx src/sim/cli.ts --truthfulness-hours 0 "$@" > /dev/null; }

for s in 7 8; do
  simulate --seed "$s" --policies parleyStatistical --out "$WORK/sim-stat-$s" --interference-feedback-out "$WORK/obs-stat-$s.jsonl"
done
cat "$WORK/obs-stat-7.jsonl" "$WORK/obs-stat-8.jsonl" > "$WORK/obs-round1.jsonl"
rm -rf "$WORK/models"
npx tsx training/train.ts --out "$WORK/models" --version round1 --interference-feedback "$WORK/obs-round1.jsonl" ${TRAIN_OPTIONS[@]+"${TRAIN_OPTIONS[@]}"}

for s in 7 8; do
  # --static-calibration: the shipped default was trained on observations of a round-1 model without online
  # recalibration (which came later); keep it so the script still reproduces that model (at commit 59aeadc or earlier:
  # later engine changes alter what the simulations observe; docs/model-card.md, "Training time").
  simulate --seed "$s" --policies parley --observe-policy parley --models-dir "$WORK/models" --model-version round1 --static-calibration \
    --out "$WORK/sim-parley-$s" --interference-feedback-out "$WORK/obs-parley-$s.jsonl"
done
cat "$WORK/obs-stat-7.jsonl" "$WORK/obs-parley-7.jsonl" "$WORK/obs-stat-8.jsonl" "$WORK/obs-parley-8.jsonl" > "$WORK/obs-round2.jsonl"
npx tsx training/train.ts --out "$OUT" ${VERSION:+--version "$VERSION"} --interference-feedback "$WORK/obs-round2.jsonl" ${TRAIN_OPTIONS[@]+"${TRAIN_OPTIONS[@]}"}
