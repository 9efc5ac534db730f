#!/usr/bin/env bash
# Installs the Debian packages the service, its tests and the README's examples use, only
# when missing. Each check probes the exact file or module that is used, not just a command
# name: a fresh machine of this kind has none of them. Called by run.sh and test.sh; safe to
# run again.
set -euo pipefail

need=()
have_file() { [ -e "$1" ]; }
have_py() { /usr/bin/python3 -c "import $1" 2>/dev/null; }

have_file /usr/bin/redis-server || need+=(redis-server)
have_file /usr/bin/redis-cli || need+=(redis-tools)
have_file /usr/bin/h2load || need+=(nghttp2-client)
have_file /usr/bin/nghttp || need+=(nghttp2-client)
have_file /usr/bin/promtool || need+=(prometheus)
have_file /usr/bin/protoc || need+=(protobuf-compiler)
# Debian's protoc finds the well-known types (google/protobuf/timestamp.proto) only here.
have_file /usr/include/google/protobuf/timestamp.proto || need+=(libprotobuf-dev)
have_file /usr/include/google/protobuf/duration.proto || need+=(libprotobuf-dev)
have_file /usr/bin/curl || need+=(curl)
ldconfig -p 2>/dev/null | grep -q 'libxgboost.so.0 ' || need+=(libxgboost0)
have_file /usr/include/xgboost/c_api.h || need+=(libxgboost-dev)
have_py grpc || need+=(python3-grpcio)
have_py google.protobuf || need+=(python3-protobuf)
have_py xgboost || need+=(python3-xgboost)
have_py numpy || need+=(python3-numpy)
# Evaluation reports draw their charts with PIL (src/Scoring.Cli/Training/ChartRenderer.cs).
have_py PIL.ImageDraw || need+=(python3-pil)

if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian prometheus package starts a system service; our tests only need promtool.
systemctl disable --now prometheus >/dev/null 2>&1 || true
