#!/usr/bin/env bash
# Compares StackExchange.Redis (load-tests/redis/RedisLoad) with redis-benchmark on the same local
# redis-server in one run: GET and EVALSHA of a 1500-byte value at 1 and 64 concurrent callers.
# redis-benchmark -c N opens N connections, each waiting for its reply (-P 1); RedisLoad
# multiplexes N concurrent callers over poolSize multiplexers (1 unless given).
# Usage: load-tests/redis/bench.sh [requests=100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${1:-100000}
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save "" --appendonly no --daemonize no >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.1; done

KEY=key:000000000000
head -c 1500 /dev/zero | tr '\0' 'x' | redis-cli -p "$PORT" -x set "$KEY" >/dev/null
SHA=$(redis-cli -p "$PORT" script load "return redis.call('GET', KEYS[1])")
dotnet build load-tests/redis/RedisLoad -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
LOAD="dotnet load-tests/redis/RedisLoad/bin/Release/net10.0/RedisLoad.dll"

echo "tool,op,concurrency,pool,requests,ops_per_sec,p50_ms,p99_ms"
for c in 1 64; do
  # redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  redis-benchmark -p "$PORT" -c "$c" -n "$REQUESTS" -P 1 --csv get "$KEY" | tail -1 \
    | awk -F'"' -v c="$c" -v n="$REQUESTS" '{print "redis-benchmark,get," c ",-," n "," $4 "," $10 "," $14}'
  echo "ours,$($LOAD "127.0.0.1:$PORT" get "$c" "$REQUESTS")"
  redis-benchmark -p "$PORT" -c "$c" -n "$REQUESTS" -P 1 --csv evalsha "$SHA" 1 "$KEY" | tail -1 \
    | awk -F'"' -v c="$c" -v n="$REQUESTS" '{print "redis-benchmark,evalsha," c ",-," n "," $4 "," $10 "," $14}'
  echo "ours,$($LOAD "127.0.0.1:$PORT" evalsha "$c" "$REQUESTS")"
done
# Our 64 callers share one pipelined connection; the like-for-like C baseline is one
# connection with 64 commands in flight (-c 1 -P 64).
for op in get evalsha; do
  if [ "$op" = get ]; then args=(get "$KEY"); else args=(evalsha "$SHA" 1 "$KEY"); fi
  redis-benchmark -p "$PORT" -c 1 -P 64 -n "$REQUESTS" --csv "${args[@]}" | tail -1 \
    | awk -F'"' -v n="$REQUESTS" -v op="$op" '{print "redis-benchmark -P 64," op ",1x64,-," n "," $4 "," $10 "," $14}'
done
# Does a second connection help 64 callers? (PoolSize option)
echo "ours,$($LOAD "127.0.0.1:$PORT" get 64 "$REQUESTS" 2)"
