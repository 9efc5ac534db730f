#!/usr/bin/env bash
# What WatchRisk costs ingestion: loads the same generated population through IngestEvents into
# an empty private redis-server, alternately with no subscriber anywhere and with one WatchRisk
# subscriber (python grpcio, min_band HIGH), and writes the "## WatchRisk: cost on ingestion"
# section of load-tests/RESULTS.md (WRITE_RESULTS=0: don't).
# While someone watches, every write classifies its customers' churn band before and after and
# appends band changes to risk:changes; with nobody watching it does neither.
# Usage: load-tests/watch/bench.sh [customers=5000] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-5000}
rounds=${2:-2}
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port); grpc_port=$(free_port); metrics_port=$(free_port)
cleanup() {
  [ -n "${watcher_pid:-}" ] && kill "$watcher_pid" 2>/dev/null || true
  [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

for p in src/Scoring.Host src/Scoring.Cli; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly
done
cli="dotnet src/Scoring.Cli/bin/Release/net10.0/scoring.dll"
protoc -I protos --python_out="$work" protos/scoring/v1/*.proto
cat > "$work/watch.py" <<'PY'
import sys, grpc
sys.path.insert(0, sys.argv[2])
from scoring.v1 import scoring_pb2, common_pb2
channel = grpc.insecure_channel(sys.argv[1])
watch = channel.unary_stream("/scoring.v1.Scoring/WatchRisk", request_serializer=scoring_pb2.WatchRiskRequest.SerializeToString,
                             response_deserializer=scoring_pb2.RiskUpdate.FromString)
try:
    for update in watch(scoring_pb2.WatchRiskRequest(min_band=common_pb2.RISK_BAND_HIGH)):
        pass
except grpc.RpcError:
    pass
PY

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
start=$(date -u -d "$(date -u +%F) -12 months" +%F)
$cli generate --customers "$customers" --months 12 --start "$start" --seed 11 --out "$work/pop" >/dev/null
target="http://127.0.0.1:$grpc_port"
results=()
for r in $(seq 1 "$rounds"); do
  for mode in none watched; do
    redis-cli -p "$redis_port" flushall >/dev/null
    Endpoints__Grpc="127.0.0.1:$grpc_port" Endpoints__Metrics="127.0.0.1:$metrics_port" Endpoints__Http= Redis__Endpoint="127.0.0.1:$redis_port" \
      Logging__LogLevel__Default=Warning dotnet src/Scoring.Host/bin/Release/net10.0/Scoring.Host.dll &
    host_pid=$!
    $cli wait-healthy --target "$target" --timeout 120 >/dev/null
    if [ "$mode" = watched ]; then
      /usr/bin/python3 "$work/watch.py" "127.0.0.1:$grpc_port" "$work" & watcher_pid=$!
      sleep 3 # the subscription is open before the load starts
    fi
    line=$($cli load --target "$target" --profiles "$work/pop/profiles.pb.gz" --events "$work/pop/events.pb.gz" | grep '^events:')
    changes=$(redis-cli -p "$redis_port" xlen risk:changes)
    [ -n "${watcher_pid:-}" ] && kill "$watcher_pid" 2>/dev/null; watcher_pid=""
    kill "$host_pid"; wait "$host_pid" 2>/dev/null || true; host_pid=""
    rate=$(echo "$line" | sed -nE 's/.*\(([0-9,]+) events\/s\).*/\1/p' | tr -d ,)
    echo "round $r, $mode: $line; risk:changes entries: $changes"
    results+=("$r $mode $rate $changes")
  done
done

if [ "${WRITE_RESULTS:-1}" = 1 ]; then
  /usr/bin/python3 - "$customers" "$rounds" "${results[@]}" <<'PY'
import datetime, os, platform, re, statistics, sys
customers, rounds, rows = sys.argv[1], int(sys.argv[2]), [r.split() for r in sys.argv[3:]]
none = [float(r[2]) for r in rows if r[1] == "none"]
watched = [float(r[2]) for r in rows if r[1] == "watched"]
lines = "\n".join(f"round {r[0]}, {r[1]}: {float(r[2]):,.0f} events/s, risk:changes entries {r[3]}" for r in rows)
section = f"""## WatchRisk: cost on ingestion (load-tests/watch/bench.sh)

Command: `load-tests/watch/bench.sh {customers} {rounds}`. Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC.
Machine: {os.cpu_count()} cores, Linux {platform.release()}; host, redis-server and loader share the cores.

The same {int(customers):,}-customer population (12 months) loaded through IngestEvents into an empty
redis-server, with nobody watching and with one WatchRisk subscriber (min_band HIGH):

```
{lines}
```

Median: {statistics.median(none):,.0f} events/s unwatched, {statistics.median(watched):,.0f} watched
(**{statistics.median(watched) / statistics.median(none):.2f}** of unwatched). Watched, every write classifies
its customers' churn band before and after apply and appends the changes to `risk:changes`; a
bulk load of history moves bands often, so this is the heavy case. Unwatched, nothing is classified
and nothing is written to the stream (entries 0).
"""
path = "load-tests/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"## WatchRisk: cost on ingestion \(load-tests/watch/bench.sh\).*?(?=\n## |\Z)", re.S)
text = pattern.sub(section.rstrip() + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
fi
