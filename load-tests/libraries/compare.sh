#!/usr/bin/env bash
# Old stack against new, side by side in one run: two builds of the service (e.g. the last
# commit on our own gRPC layer and RESP client, and the current tree on Grpc.AspNetCore and
# StackExchange.Redis) serve the same Redis and population on different ports, and every
# measurement alternates between them, round by round, because this shared machine's speed
# moves by tens of percent within minutes.
#   - IngestEvents: the population loaded through each build in turn (Redis flushed between)
#   - h2load at 64 streams (4 connections x 16) and 8 streams (1 x 8): the empty unary call
#     (grpc.health.v1.Health/Check) and GetScores (churn, value, offers; no reasons)
#   - per call: service CPU and bytes allocated (dotnet_gc_allocated_bytes_total over the calls
#     the server counted), for each build
# Usage: load-tests/libraries/compare.sh OLD_ROOT NEW_ROOT [customers=20000] [seconds=10] [rounds=3]
# Both roots must be built (Release). Prints a Markdown section; WRITE_RESULTS=1 appends it to
# load-tests/RESULTS.md of NEW_ROOT.
set -euo pipefail
old_root=$(cd "$1" && pwd); new_root=$(cd "$2" && pwd)
customers=${3:-20000}; seconds=${4:-10}; rounds=${5:-3}
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
declare -A grpc metrics pid
for b in old new; do grpc[$b]=$(free_port); metrics[$b]=$(free_port); done
http_new=$(free_port)
cleanup() {
  for b in old new; do [ -n "${pid[$b]:-}" ] && kill "${pid[$b]}" 2>/dev/null; done
  wait 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
root_of() { [ "$1" = old ] && echo "$old_root" || echo "$new_root"; }
cli="dotnet $old_root/src/Scoring.Cli/bin/Release/net10.0/scoring.dll"

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
start=$(date -u -d "$(date -u +%F) -12 months" +%F)
$cli generate --customers "$customers" --months 12 --start "$start" --seed 7 --out "$work/pop" >/dev/null

for b in old new; do
  Endpoints__Grpc="127.0.0.1:${grpc[$b]}" Endpoints__Metrics="127.0.0.1:${metrics[$b]}" Endpoints__Http="127.0.0.1:$http_new" \
    Redis__Endpoint="127.0.0.1:$redis_port" Logging__LogLevel__Default=Warning \
    dotnet "$(root_of $b)/src/Scoring.Host/bin/Release/net10.0/Scoring.Host.dll" > "$work/$b.log" 2>&1 &
  pid[$b]=$!
done
for b in old new; do $cli wait-healthy --target "http://127.0.0.1:${grpc[$b]}" --timeout 120 >/dev/null; done

# IngestEvents: the same population through each build, alternating, from an empty Redis.
declare -A ingest
for r in $(seq 1 2); do
  for b in old new; do
    redis-cli -p "$redis_port" flushall >/dev/null
    line=$($cli load --target "http://127.0.0.1:${grpc[$b]}" --profiles "$work/pop/profiles.pb.gz" --events "$work/pop/events.pb.gz" | grep '^events:')
    eps=$(sed -nE 's/.*\(([0-9,]+) events\/s\).*/\1/p' <<<"$line" | tr -d ,)
    echo "ingest round $r $b: $eps events/s" >&2
    ingest[$b]="${ingest[$b]:-} $eps"
  done
done

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
    print(data[i + 2:i + 2 + data[i + 1]].decode()); i = end
PY
customer=$(sed -n 42p "$work/ids.txt")
/usr/bin/python3 - "$customer" > "$work/scores.bin" <<'PY'
import struct, sys
cid = sys.argv[1].encode()
msg = b"\x0a" + bytes([len(cid)]) + cid + b"\x10\x01" + b"\x18\x01\x18\x03\x18\x04"
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(msg)) + msg)
PY
printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"

scrape() { curl -s "http://127.0.0.1:${metrics[$1]}/metrics" | awk '/^grpc_server_handled_total/ {c += $NF} /^dotnet_gc_allocated_bytes_total/ {a = $NF} END {printf "%.0f %.0f\n", c, a}'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
h2() { # build body path conns streams -> "rps p50 p99 p999 cpu_us_per_call bytes_per_call"
  local b=$1 hz c0 a0 t0 c1 a1 t1
  hz=$(getconf CLK_TCK)
  rm -f "$work/h2.log" # h2load appends to its log: one measurement per file
  read -r c0 a0 < <(scrape "$b"); t0=$(ticks "${pid[$b]}")
  h2load -D "$seconds" --warm-up-time 3 -c "$4" -m "$5" -t 1 -H 'content-type: application/grpc' -H 'te: trailers' \
    --log-file="$work/h2.log" -d "$work/$2" "http://127.0.0.1:${grpc[$b]}/$3" > "$work/h2.out"
  read -r c1 a1 < <(scrape "$b"); t1=$(ticks "${pid[$b]}")
  grep -q ' 0 failed, 0 errored' "$work/h2.out" || { cat "$work/h2.out" >&2; echo "compare: h2load saw failures ($b $3)" >&2; exit 1; }
  local rps
  rps=$(sed -nE 's/^finished in .* ([0-9.]+) req\/s.*/\1/p' "$work/h2.out")
  /usr/bin/python3 - "$work/h2.log" "$rps" "$hz" "$((t1 - t0))" "$((c1 - c0))" "$((a1 - a0))" <<'PY'
import sys
d = sorted(int(l.split()[2]) for l in open(sys.argv[1]) if l.strip())
rps, hz, ticks, calls, alloc = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
q = lambda f: d[min(len(d) - 1, int(f * len(d)))] / 1000
print(f"{rps:.0f} {q(0.5):.3f} {q(0.99):.3f} {q(0.999):.3f} {ticks / hz / calls * 1e6:.1f} {alloc / calls:.0f}")
PY
}
declare -A res
for r in $(seq 1 "$rounds"); do
  for call in empty scores; do
    body=$([ $call = empty ] && echo empty.bin || echo scores.bin)
    path=$([ $call = empty ] && echo grpc.health.v1.Health/Check || echo scoring.v1.Scoring/GetScores)
    for streams in 64 8; do
      conns=$([ $streams = 64 ] && echo 4 || echo 1); per=$([ $streams = 64 ] && echo 16 || echo 8)
      # Alternate which build goes first, so neither always gets the warmer machine.
      order="old new"; [ $((r % 2)) = 0 ] && order="new old"
      for b in $order; do
        out=$(h2 "$b" "$body" "$path" "$conns" "$per")
        echo "round $r $b $call $streams streams: $out" >&2
        res[$b,$call,$streams]="${res[$b,$call,$streams]:-}|$out"
      done
    done
  done
done

args=()
for b in old new; do for call in empty scores; do for s in 64 8; do args+=("$b,$call,$s=${res[$b,$call,$s]}"); done; done; done
section=$(/usr/bin/python3 - "$customers" "$seconds" "$rounds" "${ingest[old]}" "${ingest[new]}" "${args[@]}" <<'PY'
import datetime, os, platform, statistics, sys
customers, seconds, rounds, ing_old, ing_new = sys.argv[1:6]
res = {}
for a in sys.argv[6:]:
    k, v = a.split("=", 1)
    res[k] = [list(map(float, x.split())) for x in v.split("|") if x.strip()]
med = lambda k, i: statistics.median(r[i] for r in res[k])
ing = {b: [float(x) for x in s.split()] for b, s in (("old", ing_old), ("new", ing_new))}
rows = []
for call, name in (("empty", "empty unary (Health/Check)"), ("scores", "GetScores churn + value + offers")):
    for s in (64, 8):
        cells = []
        for b in ("old", "new"):
            k = f"{b},{call},{s}"
            cells.append(f"{med(k,0):,.0f} req/s, p50 {med(k,1):.3f} / p99 {med(k,2):.3f} / p99.9 {med(k,3):.3f} ms, {med(k,4):.1f} µs CPU, {med(k,5):,.0f} B")
        rows.append(f"| {name}, {s} streams | {cells[0]} | {cells[1]} |")
ratio = {b: {s: statistics.median(g[0] / e[0] for g, e in zip(res[f"{b},scores,{s}"], res[f"{b},empty,{s}"])) for s in (64, 8)} for b in ("old", "new")}
every = []
for k in sorted(res):
    for i, r in enumerate(res[k]):
        every.append(f"{k} round {i + 1}: {r[0]:,.0f} req/s p50 {r[1]:.3f} p99 {r[2]:.3f} p99.9 {r[3]:.3f} ms cpu {r[4]:.1f} µs alloc {r[5]:,.0f} B")
print(f"""## libraries: old stack against new, side by side (load-tests/libraries/compare.sh)

Command: `load-tests/libraries/compare.sh OLD NEW {customers} {seconds} {rounds}` (OLD = the last commit on our own
gRPC layer and RESP client, NEW = this tree). Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC. Machine: {os.cpu_count()} cores,
Linux {platform.release()}; both services, redis-server and h2load share the cores (load average after the run
{os.getloadavg()[0]:.1f}). Both builds serve the same Redis and {int(customers):,} generated customers; every measurement
alternates between them (medians of {rounds} rounds, each {seconds} s after a 3 s warm-up; every round below).
Per call: service CPU time, and bytes the service allocated (GC counter) over the calls it counted.

| measurement | old: own gRPC layer + RESP client | new: Grpc.AspNetCore + StackExchange.Redis |
|---|---|---|
{chr(10).join(rows)}
| GetScores / empty ratio, 64 streams | {ratio['old'][64]:.3f} | {ratio['new'][64]:.3f} ({(ratio['new'][64] / ratio['old'][64] - 1) * 100:+.1f} %) |
| GetScores / empty ratio, 8 streams | {ratio['old'][8]:.3f} | {ratio['new'][8]:.3f} ({(ratio['new'][8] / ratio['old'][8] - 1) * 100:+.1f} %) |
| IngestEvents, the whole population (events/s, each round) | {', '.join(f'{x:,.0f}' for x in ing['old'])} | {', '.join(f'{x:,.0f}' for x in ing['new'])} |

```
{chr(10).join(every)}
```
""")
PY
)
echo "$section"
if [ "${WRITE_RESULTS:-0}" = 1 ]; then
  printf '\n%s\n' "$section" >> "$new_root/load-tests/RESULTS.md"
fi
