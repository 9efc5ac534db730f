#!/usr/bin/env bash
# End-to-end serving figures on this machine: loads a generated population through
# IngestEvents (`scoring load`), then drives GetScores over h2c with h2load.
#   load-tests/serving/bench.sh [customers] [requests]
# Everything runs on private free ports with its own temp dir; nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-2000}
requests=${2:-20000}
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port); grpc_port=$(free_port); metrics_port=$(free_port)
cleanup() {
  [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

dotnet build src/Scoring.Host -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Scoring.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
cli="dotnet src/Scoring.Cli/bin/Release/net10.0/scoring.dll"

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
start=$(date -u -d "$(date -u +%Y-%m-01) -13 months" +%Y-%m-%d)
$cli generate --customers "$customers" --months 12 --start "$start" --seed 7 --out "$work/pop" >/dev/null

Endpoints__Grpc="127.0.0.1:$grpc_port" Endpoints__Metrics="127.0.0.1:$metrics_port" Redis__Endpoint="127.0.0.1:$redis_port" \
  Logging__LogLevel__Default=Warning dotnet src/Scoring.Host/bin/Release/net10.0/Scoring.Host.dll &
host_pid=$!
target="http://127.0.0.1:$grpc_port"
$cli wait-healthy --target "$target" --timeout 120
echo "== load ($customers customers)"
$cli load --target "$target" --profiles "$work/pop/profiles.pb.gz" --events "$work/pop/events.pb.gz"

customer=$(/usr/bin/python3 - "$work/pop/profiles.pb.gz" <<'PY'
import gzip, sys
data = gzip.open(sys.argv[1]).read()
# First record: varint length, then Profile; field 1 (customer_id) is the first field written.
i = 0; n = 0; shift = 0
while True:
    b = data[i]; i += 1; n |= (b & 0x7f) << shift; shift += 7
    if b < 0x80: break
assert data[i] == 0x0a
print(data[i + 2:i + 2 + data[i + 1]].decode())
PY
)
$cli score --target "$target" --customer "$customer" --channel mobile-app

# gRPC-framed GetScoresRequest bodies: customer_id, channel MOBILE_APP, include parts.
frame() { /usr/bin/python3 - "$customer" "$@" <<'PY'
import struct, sys
cid = sys.argv[1].encode(); parts = [int(p) for p in sys.argv[2:]]
msg = b"\x0a" + bytes([len(cid)]) + cid + b"\x10\x01" + b"".join(b"\x18" + bytes([p]) for p in parts)
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(msg)) + msg)
PY
}
frame > "$work/all.bin"
frame 1 > "$work/churn.bin"
for body in churn all; do
  echo "== GetScores ($body parts), $requests requests, 4 connections x 8 streams"
  h2load -n "$requests" -c 4 -m 8 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/$body.bin" "$target/scoring.v1.Scoring/GetScores" | grep -E '^(finished|requests|status codes|time for request|req/s)'
done
curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -E '^grpc_server_handled_total\{grpc_code="[A-Za-z]+",grpc_method="GetScores"' || true
