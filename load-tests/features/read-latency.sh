#!/usr/bin/env bash
# Feature-vector read latency (GET + decode + features at read time, RedisFeatureStore) at 1 and
# 64 concurrent callers, beside a raw GET of the same 1.4 KB value with StackExchange.Redis and with
# redis-benchmark, in one run on one private redis-server. Writes the "### Feature-vector read
# latency" part of load-tests/RESULTS.md (WRITE_RESULTS=0: don't). Usage: read-latency.sh [requests]
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-100000}
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no --daemonize no >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
dotnet build load-tests/Scoring.Benchmarks -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
probe="dotnet load-tests/Scoring.Benchmarks/bin/Release/net10.0/Scoring.Benchmarks.dll feature-read-latency 127.0.0.1:$port"
out=$(mktemp)
for c in 1 64; do
  $probe "$c" "$requests" | tee -a "$out"
  # redis-benchmark --csv: "test","rps","avg","min","p50","p95","p99","max"; one key (every stored state is the same).
  redis-benchmark -p "$port" -c "$c" -n "$requests" -P 1 --csv get "cust:{read-0042}" | tail -1 \
    | awk -F'"' -v c="$c" -v n="$requests" '{print "redis-benchmark get," c "," n "," $4 "," $10 "," $14}' | tee -a "$out"
done
if [ "${WRITE_RESULTS:-1}" = 1 ]; then
  /usr/bin/python3 - "$requests" "$out" <<'PY'
import datetime, os, platform, re, sys
requests, out = sys.argv[1:]
rows = [l.strip().split(",") for l in open(out) if l.strip()]
names = {"features": "feature vector (GET lease + decode + 49 features)", "get": "raw GET lease of the same value (StackExchange.Redis)", "redis-benchmark get": "redis-benchmark GET (C)"}
table = "\n".join(f"| {names[r[0]]} | {r[1]} | {float(r[3]):,.0f} | {float(r[4]):.3f} | {float(r[5]):.3f} |" for r in rows)
section = f"""### Feature-vector read latency (`load-tests/features/read-latency.sh {requests}`)

{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Linux {platform.release()}, load average {os.getloadavg()[0]:.1f}.
One private redis-server, 1,000 customers each holding the same one-year state (1.4 KB).
Our callers share one StackExchange.Redis multiplexer; `redis-benchmark -c 64` opens 64 connections.

| reader | callers | reads/s | p50 ms | p99 ms |
|---|---:|---:|---:|---:|
{table}

"""
path = "load-tests/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"### Feature-vector read latency .*?(?=\n## |\n### |\Z)", re.S)
if pattern.search(text):
    text = pattern.sub(section.rstrip() + "\n", text)
else:
    text = text.replace("\n## models", "\n" + section + "## models", 1)
open(path, "w").write(text)
PY
fi
