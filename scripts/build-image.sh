#!/usr/bin/env bash
# Build the connector image. Name, tag and the io.airbyte.* labels all come from
# metadata.yaml (data.dockerRepository / data.dockerImageTag): one source of truth.
#
#   scripts/build-image.sh [--print] [extra docker build args...]
#   BASE_IMAGE=local/node:26-bookworm-slim scripts/build-image.sh
#   BASE_IMAGE=$(DOCKER_UP_NODE=26 ../shared/tools/docker-up) scripts/build-image.sh   # no registry access
#
# stdout: the image reference (repository:tag) only; the build log goes to stderr.
# --print: print the docker build command instead of running it.
# Env: BASE_IMAGE (default: the Dockerfile's, node:26-bookworm-slim: Node 26, the
# Active LTS line; any Debian-based Node 26 image works).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The value of a scalar key directly under `data:` (two-space indent), without
# quotes or a trailing comment. Kept to plain awk so building needs no node_modules;
# acceptance-tests/metadata.test.ts checks it against a real YAML parser.
meta() {
  awk -v key="$1" '
    /^data:[ \t]*$/ { in_data = 1; next }
    /^[^ \t#]/      { in_data = 0 }
    in_data && index($0, "  " key ":") == 1 {
      v = substr($0, length(key) + 4)
      sub(/[ \t]+#.*$/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v)
      if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
      print v; exit
    }' metadata.yaml
}

REPO=$(meta dockerRepository)
TAG=$(meta dockerImageTag)
[[ $REPO =~ ^[a-z0-9]+([._/-][a-z0-9]+)*$ ]] || { echo "build-image: bad data.dockerRepository in metadata.yaml: '$REPO'" >&2; exit 1; }
[[ $TAG =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "build-image: bad data.dockerImageTag in metadata.yaml: '$TAG'" >&2; exit 1; }
IMAGE="$REPO:$TAG"

cmd=(docker build --network host
     --build-arg "AIRBYTE_NAME=$REPO" --build-arg "AIRBYTE_VERSION=$TAG"
     --label "io.airbyte.name=$REPO" --label "io.airbyte.version=$TAG"
     -t "$IMAGE")
[ -z "${BASE_IMAGE:-}" ] || cmd+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")

if [ "${1:-}" = "--print" ]; then
  shift
  printf '%s\n' "${cmd[@]}" "$@" .
  exit 0
fi

"${cmd[@]}" "$@" . >&2
echo "$IMAGE"
