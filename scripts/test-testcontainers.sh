#!/usr/bin/env bash
# Runs examples/testcontainers (Testcontainers for Node) against an image built from this checkout,
# tagged for this run and removed afterwards. Needs a Docker engine: on a machine without a daemon,
# run it as `bash ../shared/docker/with-engine.sh npm run test:testcontainers`.
#
# An engine without a bridge network (like CI's) can neither map ports nor run Testcontainers'
# reaper, Ryuk, whose image it could not pull anyway. There the build and the containers use the
# host's network (ATHENTY_DOCKER_NETWORK=host, read by the example), Ryuk is off
# (TESTCONTAINERS_RYUK_DISABLED=true), and Testcontainers is told the containers are on this
# machine (TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1; inside a container it would look for the bridge
# network's gateway instead). Set any of these variables yourself to override the guess.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "test:testcontainers: no Docker engine answers \`docker version\`" >&2
  exit 1
fi
if [ -z "${ATHENTY_DOCKER_NETWORK:-}" ]; then
  if docker network inspect bridge >/dev/null 2>&1; then ATHENTY_DOCKER_NETWORK=publish; else ATHENTY_DOCKER_NETWORK=host; fi
fi
build_args=()
if [ "$ATHENTY_DOCKER_NETWORK" = host ]; then
  build_args=(--network host)
  export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}
  export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}
fi
export ATHENTY_DOCKER_NETWORK
export ATHENTY_FAKE_IMAGE="athenty-fake-testcontainers:run-$$"
trap 'docker image rm --force "$ATHENTY_FAKE_IMAGE" >/dev/null 2>&1 || true' EXIT
ryuk=on
[ "${TESTCONTAINERS_RYUK_DISABLED:-false}" = true ] && ryuk=off
echo "test:testcontainers: image $ATHENTY_FAKE_IMAGE, network $ATHENTY_DOCKER_NETWORK, Ryuk $ryuk"

DOCKER_BUILDKIT=1 docker build "${build_args[@]}" --tag "$ATHENTY_FAKE_IMAGE" .
cd examples/testcontainers
npm ci --no-audit --no-fund --loglevel=error
npm test
