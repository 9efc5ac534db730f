#!/usr/bin/env bash
# End-to-end serving figures on this machine (issue: GetScores at >= 25% of the empty unary
# call's throughput, p99 <= 2 ms at 64 concurrent streams):
#   1. generates a population and loads it through IngestEvents (`scoring load`);
#   2. in one run, drives the empty unary call (grpc.health.v1.Health/Check) and GetScores with
#      churn, value/lifecycle and offers (no reasons) at 64 concurrent streams, with h2load
#      (one prepared request body, 4 connections x 16 streams; several rounds alternating the two
#      calls, since single rounds on this shared machine swing) and with the C# load tool
#      (Scoring.ServingLoad, on Grpc.Net.Client: 64 closed-loop callers over random customers, latency percentiles);
#   3. also GetScores with every part (3 TreeSHAP reasons) for comparison;
#   4. writes the "## serving end to end" section of load-tests/RESULTS.md (WRITE_RESULTS=0: don't).
# Usage: load-tests/serving/bench.sh [customers=100000] [seconds per measurement=20] [h2load rounds=3]
# Everything runs on private free ports with its own temp dir; nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-100000}
seconds=${2:-20}
rounds=${3:-3}
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port); grpc_port=$(free_port); metrics_port=$(free_port)
cleanup() {
  [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

for p in src/Scoring.Host src/Scoring.Cli load-tests/serving/Scoring.ServingLoad; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly
done
cli="dotnet src/Scoring.Cli/bin/Release/net10.0/scoring.dll"
loadtool="dotnet load-tests/serving/Scoring.ServingLoad/bin/Release/net10.0/Scoring.ServingLoad.dll"

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
start=$(date -u -d "$(date -u +%F) -12 months" +%F)
echo "== generate ($customers customers, 12 months)"
$cli generate --customers "$customers" --months 12 --start "$start" --seed 7 --out "$work/pop" >/dev/null

Endpoints__Grpc="127.0.0.1:$grpc_port" Endpoints__Metrics="127.0.0.1:$metrics_port" Endpoints__Http= Redis__Endpoint="127.0.0.1:$redis_port" \
  Logging__LogLevel__Default=Warning dotnet src/Scoring.Host/bin/Release/net10.0/Scoring.Host.dll &
host_pid=$!
target="http://127.0.0.1:$grpc_port"
$cli wait-healthy --target "$target" --timeout 120
echo "== load"
$cli load --target "$target" --profiles "$work/pop/profiles.pb.gz" --events "$work/pop/events.pb.gz" > "$work/load.out"
cat "$work/load.out"
load_line=$(grep '^events:' "$work/load.out")
used_memory=$(redis-cli -p "$redis_port" info memory | sed -nE 's/^used_memory_human:(.*)\r?$/\1/p' | tr -d '\r')

# Every customer id (profiles.pb.gz: varint-delimited Profile records, customer_id = field 1).
/usr/bin/python3 - "$work/pop/profiles.pb.gz" > "$work/ids.txt" <<'PY'
import gzip, sys
data = gzip.open(sys.argv[1]).read(); i = 0
def varint():
    global i
    n = shift = 0
    while True:
        b = data[i]; i += 1; n |= (b & 0x7f) << shift; shift += 7
        if b < 0x80: return n
while i < len(data):
    size = varint(); end = i + size
    assert data[i] == 0x0a
    print(data[i + 2:i + 2 + data[i + 1]].decode()); i = end
PY
customer=$(sed -n 42p "$work/ids.txt")
$cli score --target "$target" --customer "$customer" --channel mobile-app >/dev/null

# A gRPC-framed GetScoresRequest: customer_id, channel MOBILE_APP, include parts.
frame() { /usr/bin/python3 - "$customer" "$@" <<'PY'
import struct, sys
cid = sys.argv[1].encode(); parts = [int(p) for p in sys.argv[2:]]
msg = b"\x0a" + bytes([len(cid)]) + cid + b"\x10\x01" + b"".join(b"\x18" + bytes([p]) for p in parts)
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(msg)) + msg)
PY
}
printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"
frame 1 3 4 > "$work/scores.bin"
# CPU per call of the service, redis-server and the load generator over one measurement:
# process CPU ticks (/proc) and the generator's own CPU (/usr/bin/time), divided by the calls
# the server handled meanwhile (warm-up included on both sides of the division).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
handled_all() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^grpc_server_handled_total/ {s += $2} END {print s + 0}'; }
measured() { # command... -> its stdout, then on the last line "cpu: host_us redis_us generator_us"
  local hz h0 r0 c0 h1 r1 c1
  hz=$(getconf CLK_TCK)
  h0=$(ticks "$host_pid"); r0=$(ticks "$(cat "$work/redis.pid")"); c0=$(handled_all)
  /usr/bin/time -f '%U %S' -o "$work/time.out" "$@"
  h1=$(ticks "$host_pid"); r1=$(ticks "$(cat "$work/redis.pid")"); c1=$(handled_all)
  /usr/bin/python3 -c "import sys; hz, h, r, c = map(float, sys.argv[1:5]); u, s_ = map(float, open(sys.argv[5]).read().split()[-2:]); print('cpu: %.1f %.1f %.1f' % (h / hz / c * 1e6, r / hz / c * 1e6, (u + s_) / c * 1e6))" \
    "$hz" "$((h1 - h0))" "$((r1 - r0))" "$((c1 - c0))" "$work/time.out"
}
h2() { # body path [connections streams] -> "req/s p50_ms p99_ms max_ms mean_ms n host_us redis_us generator_us"
  rm -f "$work/h2.log"
  measured h2load -D "$seconds" --warm-up-time 5 -c "${3:-4}" -m "${4:-16}" -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    --log-file="$work/h2.log" -d "$work/$1" "$target/$2" > "$work/h2.out"
  grep -q ' 0 failed, 0 errored' "$work/h2.out" || { cat "$work/h2.out" >&2; echo "bench: h2load saw failures" >&2; exit 1; }
  local rps
  rps=$(sed -nE 's/^finished in .* ([0-9.]+) req\/s.*/\1/p' "$work/h2.out")
  echo "$rps $(/usr/bin/python3 - "$work/h2.log" <<'PY2'
import sys
d = sorted(int(line.split()[2]) for line in open(sys.argv[1]) if line.strip())
q = lambda f: d[min(len(d) - 1, int(f * len(d)))] / 1000
print(f"{q(0.5):.3f} {q(0.99):.3f} {d[-1] / 1000:.3f} {sum(d) / len(d) / 1000:.3f} {len(d)}")
PY2
) $(sed -n 's/^cpu: //p' "$work/h2.out")"
}
cs() { # load tool arguments -> its JSON line with "cpu_us": [host, redis, generator] added
  measured $loadtool "$@" > "$work/cs.out"
  /usr/bin/python3 -c "import json, sys; lines = open(sys.argv[1]).read().split(chr(10)); r = json.loads(lines[0]); r['cpu_us'] = [float(x) for x in lines[1].split()[1:]]; print(json.dumps(r))" "$work/cs.out"
}
gc_now() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^dotnet_collection_count_total\{generation="0"\}/ {g = $2} /^dotnet_gc_pause_seconds_total/ {p = $2} END {print g, p}'; }
read -r gc_gen0_start gc_pause_start < <(gc_now); gc_wall_start=$(date +%s.%N)
echo "== h2load, 64 streams, ${seconds} s each, ${rounds} rounds alternating empty unary and GetScores"
h2_empty_rounds=(); h2_scores_rounds=()
for r in $(seq 1 "$rounds"); do
  e=$(h2 empty.bin grpc.health.v1.Health/Check); echo "round $r empty unary: $e"; h2_empty_rounds+=("$e")
  g=$(h2 scores.bin scoring.v1.Scoring/GetScores); echo "round $r GetScores churn+value+offers: $g"; h2_scores_rounds+=("$g")
done
h2_scores8=$(h2 scores.bin scoring.v1.Scoring/GetScores 1 8); echo "GetScores churn+value+offers, 8 streams: $h2_scores8"
echo "== C# load tool, 64 callers, ${seconds} s each"
cs_empty=$(cs "$target" health 64 "$seconds"); echo "$cs_empty"
cs_scores=$(cs "$target" scores 64 "$seconds" "$work/ids.txt" 1,3,4); echo "$cs_scores"
cs_all=$(cs "$target" scores 64 "$seconds" "$work/ids.txt" ""); echo "$cs_all"
read -r gc_gen0_end gc_pause_end < <(gc_now)
gc_line=$(/usr/bin/python3 -c "import sys; g0, p0, g1, p1, w0, w1 = map(float, sys.argv[1:]); print('%d gen-0 collections, paused %.1f ms per second of the measurements (%.2f %% of wall time)' % (g1 - g0, (p1 - p0) * 1000 / (w1 - w0), (p1 - p0) * 100 / (w1 - w0)))" \
  "$gc_gen0_start" "$gc_pause_start" "$gc_gen0_end" "$gc_pause_end" "$gc_wall_start" "$(date +%s.%N)")
echo "GC: $gc_line"
handled=$(curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -E '^grpc_server_handled_total\{grpc_code="[A-Za-z]+",grpc_method="GetScores"' || true)
echo "$handled"

if [ "${WRITE_RESULTS:-1}" = 1 ]; then
  /usr/bin/python3 - "$customers" "$seconds" "$rounds" "$load_line" "$used_memory" "$h2_scores8" "$cs_empty" "$cs_scores" "$cs_all" "$handled" "$gc_line" "${h2_empty_rounds[@]}" "${h2_scores_rounds[@]}" <<'PY'
import datetime, json, os, platform, re, statistics, sys
customers, seconds, rounds, load_line, memory, h2s8, cse, css, csa, handled, gc_line = sys.argv[1:12]
rounds = int(rounds)
empty_rounds = [x.split() for x in sys.argv[12:12 + rounds]]
score_rounds = [x.split() for x in sys.argv[12 + rounds:12 + 2 * rounds]]
h2s8 = h2s8.split()
cse, css, csa = [json.loads(x) for x in (cse, css, csa)]
med = lambda rows, i: statistics.median(float(r[i]) for r in rows)
e_rps, s_rps = med(empty_rounds, 0), med(score_rounds, 0)
s_p50, s_p99, s_max = med(score_rounds, 1), med(score_rounds, 2), max(float(r[3]) for r in score_rounds)
e_p50, e_p99, e_max = med(empty_rounds, 1), med(empty_rounds, 2), max(float(r[3]) for r in empty_rounds)
worst_p99 = max(float(r[2]) for r in score_rounds)
load = os.getloadavg()
cpu = lambda rows: "%.1f / %.1f / %.1f" % tuple(med(rows, i) for i in (6, 7, 8))
cs_cpu = lambda r: "%.1f / %.1f / %.1f" % tuple(r['cpu_us'])
round_lines = "\n".join(
    f"round {i + 1}: empty {float(e[0]):,.0f} req/s (p99 {e[2]} ms), GetScores {float(g[0]):,.0f} req/s "
    f"(p50 {g[1]} ms, p99 {g[2]} ms, max {g[3]} ms), ratio {float(g[0]) / float(e[0]):.3f}"
    for i, (e, g) in enumerate(zip(empty_rounds, score_rounds)))
ratio_ok = min(s_rps / e_rps, css['rps'] / cse['rps']) >= 0.25
section = f"""## serving end to end (load-tests/serving/bench.sh)

Command: `load-tests/serving/bench.sh {customers} {seconds} {rounds}`. Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC.
Machine: {os.cpu_count()} cores, Linux {platform.release()}; the release host (default settings,
so socket completions inline), redis-server and the load generator share the cores (load average
after the run {load[0]:.1f}).

{int(customers):,} generated customers (12 months) loaded through IngestEvents: `{load_line}`;
Redis `used_memory` {memory}. Then, in one run, at 64 concurrent streams, {seconds} s each after a warm-up
(h2load: medians of {rounds} rounds alternating the empty call and GetScores; every round below):

| call | tool | req/s | ratio to empty unary | latency | CPU per call, µs: service / Redis / generator |
|---|---|---:|---:|---|---|
| empty unary (`Health/Check`) | h2load, 4 conn x 16 streams | {e_rps:,.0f} | 1.000 | p50 {e_p50:.3f} ms, p99 {e_p99:.3f} ms, max {e_max:.3f} ms | {cpu(empty_rounds)} |
| GetScores churn + value + offers, one customer | h2load, 4 conn x 16 streams | {s_rps:,.0f} | **{s_rps / e_rps:.3f}** | p50 {s_p50:.3f} ms, **p99 {s_p99:.3f} ms** (worst round {worst_p99:.3f}), max {s_max:.3f} ms | {cpu(score_rounds)} |
| same, below saturation: 8 streams | h2load, 1 conn x 8 streams | {float(h2s8[0]):,.0f} | {float(h2s8[0]) / e_rps:.3f} | p50 {h2s8[1]} ms, p99 {h2s8[2]} ms, max {h2s8[3]} ms | {cpu([h2s8])} |
| empty unary (`Health/Check`) | C# load tool, 64 callers, 1 conn | {cse['rps']:,.0f} | 1.000 | p50 {cse['p50_ms']} ms, p99 {cse['p99_ms']} ms, max {cse['max_ms']} ms | {cs_cpu(cse)} |
| GetScores churn + value + offers, random customers | C# load tool, 64 callers, 1 conn | {css['rps']:,.0f} | **{css['rps'] / cse['rps']:.3f}** | p50 {css['p50_ms']} ms, **p99 {css['p99_ms']} ms**, p99.9 {css['p999_ms']} ms, max {css['max_ms']} ms | {cs_cpu(css)} |
| GetScores all parts (+ 3 TreeSHAP reasons), random customers | C# load tool, 64 callers, 1 conn | {csa['rps']:,.0f} | {csa['rps'] / cse['rps']:.3f} | p50 {csa['p50_ms']} ms, p99 {csa['p99_ms']} ms, max {csa['max_ms']} ms | {cs_cpu(csa)} |

```
{round_lines}
```

Targets: ratio >= 0.25 and p99 <= 2 ms for GetScores (churn, tier, offers) at 64 streams.
Ratio (both tools): {"met" if ratio_ok else "NOT met"} ({s_rps / e_rps:.3f} h2load, {css['rps'] / cse['rps']:.3f} C# tool).
p99 with h2load: {"met" if s_p99 <= 2 else "NOT met"} ({s_p99:.3f} ms, median of the rounds; worst round {worst_p99:.3f} ms).
p99 with the C# load tool: {"met" if css['p99_ms'] <= 2 else "NOT met"} ({css['p99_ms']} ms). This generator costs {css['cpu_us'][2]:.1f} µs of CPU per
GetScores call on the same two cores (Grpc.Net.Client on SocketsHttpHandler's HTTP/2, and protobuf), against
{css['cpu_us'][0]:.1f} µs for the service; with it the empty unary call's own p99 is {cse['p99_ms']} ms, so it shows the
ratio, not a 2 ms tail (CPU per call is process CPU time over the calls the server handled in the measurement).
With 64 calls always in flight (closed loop), mean latency is 64 / throughput (Little's law):
{s_rps:,.0f} req/s means a {64000 / s_rps:.2f} ms mean before any tail. With 8 streams in flight the same call's
p99 is {h2s8[2]} ms.
Service GC over all the measurements: {gc_line}.
Every measured call ended OK (h2load: 0 failed; load tool: no errors); calls still in flight when a tool
stops are cut off and count as Canceled on the server. Server counters:
```
{handled.strip()}
```
"""
path = "load-tests/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"## serving end to end \(load-tests/serving/bench.sh\).*?(?=\n## |\Z)", re.S)
text = pattern.sub(section.rstrip() + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
fi
