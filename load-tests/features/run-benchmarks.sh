#!/usr/bin/env bash
# Feature-state micro-benchmarks (BenchmarkDotNet, short job, in-process so no extra build).
# Figures go to load-tests/RESULTS.md under "## features".
set -euo pipefail
cd "$(dirname "$0")/../.."
exec dotnet run -c Release --project load-tests/Scoring.Benchmarks -- \
  --filter '*CustomerStateBenchmarks*' --job short --inProcess "$@"
