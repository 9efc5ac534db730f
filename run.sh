#!/usr/bin/env bash
# Brings up everything the service needs on this machine and serves it:
#   1. installs missing Debian packages (redis-server, libxgboost, ...) with apt-get
#   2. builds the solution (Release)
#   3. starts a private redis-server on 127.0.0.1:${SCORING_REDIS_PORT:-6390} (data in .run/redis)
#   4. generates a demo population once (.run/demo) and serves the gRPC API on
#      127.0.0.1:50051 (h2c), gRPC-Web and HTTP/JSON on http://127.0.0.1:8080, and /metrics on
#      127.0.0.1:9464
#   5. loads the demo population through the real ingestion path (IngestEvents)
# Stop with Ctrl-C: the service and the private Redis stop with it.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
redis_port=${SCORING_REDIS_PORT:-6390}
customers=${SCORING_DEMO_CUSTOMERS:-20000}
grpc_url=${SCORING_GRPC_URL:-http://127.0.0.1:50051}

bash scripts/deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "run: building (Release)"
dotnet build Scoring.sln -c Release -nologo -v quiet -clp:ErrorsOnly

mkdir -p .run/redis
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  echo "run: starting redis-server on 127.0.0.1:$redis_port"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$root/.run/redis" \
    --save "" --appendonly yes --appendfsync everysec --daemonize yes \
    --pidfile "$root/.run/redis/redis.pid" --logfile "$root/.run/redis/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
cleanup() {
  [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

cli="dotnet src/Scoring.Cli/bin/Release/net10.0/scoring.dll"
if [ ! -f .run/demo/events.pb.gz ]; then
  echo "run: generating a demo population of $customers customers"
  # The 18-month window ends at midnight today (UTC), so the demo population is live.
  start=$(date -u -d "$(date -u +%F) -18 months" +%F)
  $cli generate --customers "$customers" --months 18 --start "$start" --seed 42 --out .run/demo
fi

echo "run: serving gRPC on $grpc_url, HTTP/JSON and gRPC-Web on http://127.0.0.1:8080, metrics on http://127.0.0.1:9464/metrics"
Redis__Endpoint="127.0.0.1:$redis_port" \
  dotnet src/Scoring.Host/bin/Release/net10.0/Scoring.Host.dll &
host_pid=$!

$cli wait-healthy --target "$grpc_url" --timeout 60
if [ "$(redis-cli -p "$redis_port" get demo:loaded 2>/dev/null)" != "$customers" ]; then
  echo "run: loading the demo population through IngestEvents"
  $cli load --target "$grpc_url" --profiles .run/demo/profiles.pb.gz --events .run/demo/events.pb.gz
  redis-cli -p "$redis_port" set demo:loaded "$customers" >/dev/null
fi
echo "run: ready. Try: $cli score --target $grpc_url --customer C00000042 --channel mobile-app"
echo "run:        or: curl 'http://127.0.0.1:8080/v1/customers/C00000042/scores?channel=CHANNEL_MOBILE_APP'"
wait "$host_pid"
