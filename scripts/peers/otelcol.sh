#!/usr/bin/env bash
# The OpenTelemetry Collector: built with the Collector builder (ocb) from test/peers/otelcol-builder.yaml,
# every module from the Go module proxy. The builder's own release is the manifest's `dist.version`,
# which is also the core release of every component listed there.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

manifest="$ROOT/test/peers/otelcol-builder.yaml"
command -v go >/dev/null 2>&1 ||
  unavailable "otelcol: Go is not installed; the Collector is built with it (install Go from https://go.dev/dl, then run: bash scripts/peers.sh)"

version="$(sed -n 's/^  version: *\([0-9][0-9.]*\) *$/\1/p' "$manifest" | head -n 1)"
name="$(sed -n 's/^  name: *\([A-Za-z0-9_.-]*\) *$/\1/p' "$manifest" | head -n 1)"
[[ -n "$version" && -n "$name" ]] || { log "otelcol: $manifest needs dist.name and dist.version"; exit 1; }

dir="$PEERS_DIR/otelcol"
bin="$dir/$name"
key="$(cache_key "$(go version) ocb v$version" "$manifest" "${BASH_SOURCE[0]}")"

if ! cache_fresh "$dir" "$key" || [[ ! -x "$bin" ]]; then
  start=$SECONDS
  rm -rf "$dir"
  mkdir -p "$dir" "$PEERS_DIR/go/bin"
  # The generated module sits inside this repository's work tree: no VCS stamping of someone else's repo.
  export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
  log "otelcol: installing the Collector builder v$version"
  GOBIN="$PEERS_DIR/go/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$version"
  # ocb takes the output folder from the manifest only: build from a copy that names it.
  sed "s#^dist:\$#dist:\n  output_path: $dir/build#" "$manifest" >"$dir/builder.yaml"
  log "otelcol: building $name $version (first run: a few minutes)"
  "$PEERS_DIR/go/bin/builder" --config="$dir/builder.yaml" >"$dir/build.log" 2>&1 ||
    { tail -n 30 "$dir/build.log" >&2; log "otelcol: build failed (full log: $dir/build.log)"; exit 1; }
  mv "$dir/build/$name" "$bin"
  # The generated sources are only needed to build; the Go caches keep what a rebuild reuses.
  rm -rf "$dir/build"
  "$bin" --version >&2
  cache_seal "$dir" "$key"
  log "otelcol: built in $((SECONDS - start))s"
else
  log "otelcol: $("$bin" --version) (cached)"
fi
echo "LOOPGATE_OTELCOL=$bin"
