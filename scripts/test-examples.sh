#!/usr/bin/env bash
# Runs every example project under examples/ against this checkout's build (each depends on it
# with "file:../..", so npm only links it). examples/testcontainers needs a Docker engine and runs
# from `npm run test:testcontainers` instead.
set -euo pipefail
cd "$(dirname "$0")/.."

for dir in examples/*/; do
  [ -f "$dir/package.json" ] || continue
  [ "$dir" = examples/testcontainers/ ] && continue
  echo "== ${dir%/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && npm test)
done
