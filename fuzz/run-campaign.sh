#!/bin/sh
# Runs TARGET for SECONDS of fuzzing in all, one process at a time (one core), starting
# again after each crash (libFuzzer stops at the first): `./run-campaign.sh TARGET
# SECONDS [libFuzzer options...]`. Crashes go to artifacts/TARGET/, the corpus grows in
# corpus/TARGET/, and each run's final statistics are in the log.
set -u
target=$1
total=$2
shift 2
bin=target/x86_64-unknown-linux-gnu/release/$target
mkdir -p "artifacts/$target" "corpus/$target"
start=$(date +%s)
while :; do
    left=$((total - ($(date +%s) - start)))
    [ "$left" -gt 10 ] || break
    "$bin" -artifact_prefix="artifacts/$target/" -max_total_time="$left" \
        -print_final_stats=1 "$@" "corpus/$target"
    echo "=== run ended with status $? after $(($(date +%s) - start)) s"
done
