#!/usr/bin/env bash
# redis-server, for the shared cap store's tests: the one on PATH, or Debian's package when root.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v redis-server >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "redis: installing Debian's redis-server package"
    install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >&2; }
    # The package lists may be missing or stale on a fresh machine: refresh them once and retry.
    install || { apt-get update -q >&2 && install; }
  else
    unavailable "redis: redis-server is not installed and this is not root (install it: sudo apt-get install redis-server, or put one on PATH; then run: bash scripts/peers.sh)"
  fi
fi
bin="$(command -v redis-server)"
log "redis: $("$bin" --version | cut -d' ' -f1-3)"
echo "LOOPGATE_REDIS_SERVER=$bin"
