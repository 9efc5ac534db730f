#!/usr/bin/env bash
# Stream ingestion benchmark (not a test). On a private redis-server (free port, temp dir, no
# persistence) it measures, in one run:
#   1. the consumer's sustained rate (tests/Scoring.StreamWorker "bench": events published to a
#      fresh stream, then 1 and 2 consumers of one group with the real RedisFeatureStore as
#      handler, timed until the group's lag and pending are 0), beside the same store fed the
#      same batches directly (store_direct_rate: the ceiling the consumer adds its cost to);
#   2. redis-benchmark XADD of an event-sized entry (the producer side's ceiling);
#   3. redis-benchmark EVALSHA of the store's compare-and-set script with a state-sized value
#      (the store's per-customer write).
# Figures go to load-tests/RESULTS.md under "## Stream ingestion".
# Usage: load-tests/streams/bench.sh [events] [customers]   (defaults 200000 2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-200000}
customers=${2:-2000}

dotnet build tests/Scoring.StreamWorker -c Release -nologo -clp:ErrorsOnly >/dev/null
worker=tests/Scoring.StreamWorker/bin/Release/net10.0/Scoring.StreamWorker.dll

dir=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --daemonize no >"$dir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  kernel: $(uname -r)  redis: $(redis-server --version | awk '{print $3}')"
# Many customers: every event of a batch is a different customer (one GET + one CAS each);
# few customers: about five events per customer per batch share one write.
for run in "1 $customers" "2 $customers" "1 $((customers / 10))"; do
  set -- $run
  redis-cli -p "$port" flushall >/dev/null
  echo "consumer ($1 consumer(s), $2 customers): $(dotnet "$worker" bench --port "$port" --events "$events" --customers "$2" --batch 500 --consumers "$1")"
done

# An event as the consumer reads it is ~70 bytes of protobuf; a customer's stored state after
# 100 purchases is what the consumer run printed as state_bytes (about 1.5 KB).
redis-cli -p "$port" flushall >/dev/null
payload=$(head -c 70 /dev/zero | tr '\0' 'x')
state=$(head -c 1500 /dev/zero | tr '\0' 's')
sha=$(redis-cli -p "$port" script load "if redis.call('GETRANGE', KEYS[1], 0, 7) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1")
echo "redis-benchmark XADD (pipeline 50):    $(redis-benchmark -p "$port" -n "$events" -P 50 -q xadd bench:xadd '*' e "$payload" | tr -d '\r' | grep -o '[0-9.]* requests per second' | tail -1)"
# Empty expected version: the first call per key writes, later ones compare and return 0, as
# the store's losing writers do; keys spread over 100,000 customers.
echo "redis-benchmark EVALSHA CAS (pipeline 50): $(redis-benchmark -p "$port" -n "$events" -P 50 -r 100000 -q evalsha "$sha" 1 'cust:{__rand_int__}' '' "$state" | tr -d '\r' | grep -o '[0-9.]* requests per second' | tail -1)"
