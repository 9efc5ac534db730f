#!/usr/bin/env bash
# Installs the Debian packages the service and its tests run against, only when missing.
# Sourced by run.sh and test.sh; safe to run again.
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v promtool >/dev/null || need+=(prometheus)
command -v protoc >/dev/null || need+=(protobuf-compiler)
[ -e /usr/lib/x86_64-linux-gnu/libxgboost.so.0 ] || [ -n "$(ldconfig -p 2>/dev/null | grep libxgboost.so.0)" ] || need+=(libxgboost0 libxgboost-dev)
/usr/bin/python3 -c 'import grpc' 2>/dev/null || need+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || need+=(python3-protobuf)
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || need+=(python3-xgboost)

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian prometheus package starts a system service; our tests only need promtool.
systemctl disable --now prometheus >/dev/null 2>&1 || true
