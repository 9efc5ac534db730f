#!/usr/bin/env bash
# Feature benchmarks (BenchmarkDotNet, short job, in-process so no extra build): the state hot
# paths, and the Redis store against a private redis-server. Figures go to
# load-tests/RESULTS.md under "## features". Extra arguments replace the default filter,
# e.g. --filter '*RedisFeatureStoreBenchmarks*'.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$#" -eq 0 ]; then
  set -- --filter '*CustomerStateBenchmarks*' '*RedisFeatureStoreBenchmarks*'
fi
exec dotnet run -c Release --project load-tests/Scoring.Benchmarks -- --job short --inProcess "$@"
