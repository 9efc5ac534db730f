#!/usr/bin/env bash
# gRPC layer throughput against a bare Kestrel HTTP/2 endpoint, in one run on one machine.
# h2load drives /grpc.health.v1.Health/Check through Grpc.AspNetCore and the same path on a
# plain Kestrel handler returning the same bytes, alternating rounds; reports req/s, the
# ratio, and server-side bytes allocated per call. Usage: load-tests/grpc/bench.sh [requests]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200000}
rounds=${ROUNDS:-5}
dotnet build load-tests/grpc/Scoring.GrpcBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
gp=$(free_port); bp=$(free_port); sp=$(free_port)
dotnet load-tests/grpc/bin/Release/net10.0/Scoring.GrpcBench.dll "$gp" "$bp" "$sp" &
host=$!
trap 'kill $host 2>/dev/null; wait $host 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$sp/stats" >/dev/null 2>&1 && break; sleep 0.1; done

req=$(mktemp); printf '\x00\x00\x00\x00\x00' > "$req"   # one empty HealthCheckRequest
h2() { h2load -n "$1" -c 8 -m 16 -t 1 -d "$req" -H 'content-type: application/grpc' -H 'te: trailers' "$2" 2>/dev/null; }
rps() { sed -nE 's/^finished in .* ([0-9.]+) req\/s.*/\1/p'; }
stats() { curl -s "http://127.0.0.1:$sp/stats"; }
alloc_per_call() { # url
  local before after; before=$(stats); h2 50000 "$1" >/dev/null; after=$(stats)
  read -r b0 r0 <<<"$before"; read -r b1 r1 <<<"$after"
  echo $(( (b1 - b0) / (r1 - r0) ))
}
grpc_url="http://127.0.0.1:$gp/grpc.health.v1.Health/Check"
bare_url="http://127.0.0.1:$bp/bare/grpc.health.v1.Health/Check"
# Warm up until both paths run tier-1 (PGO-optimised) code: with 20,000 calls the gRPC path,
# which has more methods to tier up, was still measured half-compiled in the first round.
warmup=${WARMUP:-200000}
for _ in 1 2; do h2 "$warmup" "$grpc_url" >/dev/null; h2 "$warmup" "$bare_url" >/dev/null; done
h2 20000 "$grpc_url" | grep -q 'succeeded, 0 failed' || { echo "bench: gRPC warm-up had failures" >&2; exit 1; }
g_sum=0; b_sum=0; round_lines=""
for r in $(seq 1 "$rounds"); do
  # Alternate which endpoint goes first, so neither always gets the quieter moment.
  if [ $((r % 2)) = 1 ]; then g=$(h2 "$n" "$grpc_url" | rps); b=$(h2 "$n" "$bare_url" | rps)
  else b=$(h2 "$n" "$bare_url" | rps); g=$(h2 "$n" "$grpc_url" | rps); fi
  line="round $r: grpc $g req/s, bare $b req/s, ratio $(python3 -c "print(f'{$g/$b:.3f}')")"
  echo "$line"; round_lines+="$line"$'\n'
  g_sum=$(python3 -c "print($g_sum+$g)"); b_sum=$(python3 -c "print($b_sum+$b)")
done
ga=$(alloc_per_call "$grpc_url"); ba=$(alloc_per_call "$bare_url")
ratio=$(python3 -c "print(f'{$g_sum/$b_sum:.3f}')")
g_avg=$(python3 -c "print(round($g_sum/$rounds))"); b_avg=$(python3 -c "print(round($b_sum/$rounds))")
echo "grpc avg $g_avg req/s, bare avg $b_avg req/s, ratio $ratio; allocated per call: grpc $ga B, bare $ba B"
if [ "${WRITE_RESULTS:-1}" = 1 ]; then
  python3 - "$g_avg" "$b_avg" "$ratio" "$ga" "$ba" "$n" "$rounds" "$round_lines" <<'PY'
import datetime, os, platform, re, subprocess, sys
g, b, ratio, ga, ba, n, rounds, round_lines = sys.argv[1:]
path = "load-tests/RESULTS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
section = f"""## gRPC transport (load-tests/grpc/bench.sh)

Command: `load-tests/grpc/bench.sh {n}` (after 2 x 200,000 warm-up calls per endpoint, {rounds} rounds alternating which endpoint goes first, each `h2load -n {n} -c 8 -m 16 -t 1`,
load generator on the same {os.cpu_count()} cores as the server). Date: {datetime.date.today()}.
Machine: {os.cpu_count()} cores, Linux {platform.release()}.

| endpoint | req/s (mean of rounds) |
|---|---|
| Grpc.AspNetCore: /grpc.health.v1.Health/Check | {g} |
| bare Kestrel HTTP/2 handler, same bytes | {b} |
| **ratio of the sums (target >= 0.85)** | **{ratio}** |

Rounds (the machine is shared; single rounds swing by +-15%, hence several alternating rounds):
```
{round_lines.strip()}
```

Server bytes allocated per call (GC.GetTotalAllocatedBytes delta / requests over 50,000 calls,
Kestrel's own allocations included): gRPC {ga} B, bare {ba} B, so the gRPC layer adds {int(ga) - int(ba)} B per unary call.

"""
pattern = re.compile(r"## gRPC transport \(load-tests/grpc/bench.sh\).*?(?=\n## |\Z)", re.S)
text = pattern.sub(section.rstrip() + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
fi
