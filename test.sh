#!/usr/bin/env bash
# Runs every test project against real parts (redis-server, python grpcio, libxgboost,
# promtool), which scripts/deps.sh installs when missing. Ends with one summary line:
#   tests: N passed, N failed[, N skipped]
set -uo pipefail
cd "$(dirname "$0")"

bash scripts/deps.sh || { echo "test.sh: installing dependencies failed" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet build Scoring.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0 skipped=0 status=0
mkdir -p .test
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  log=".test/$name.log"
  echo "== $name"
  dotnet test "$proj" -c Release --no-build -nologo >"$log" 2>&1
  rc=$?
  summary=$(grep -E '(Passed|Failed)!? +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -1)
  if [ -z "$summary" ]; then
    if grep -q 'No test is available' "$log" && [ $rc -eq 0 ]; then echo "   (no tests yet)"; continue; fi
    echo "   $name produced no test summary (exit $rc); last lines:"; tail -20 "$log" | sed 's/^/   /'
    failed=$((failed + 1)); status=1; continue
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  echo "   passed $p, failed $f, skipped $s"
  if [ "$f" -gt 0 ] || [ $rc -ne 0 ]; then
    status=1
    grep -E '^\s+Failed ' "$log" | sed 's/^/   /' | head -40
  fi
done

line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit $status
