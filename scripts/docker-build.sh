#!/usr/bin/env bash
# Build the runner image (Dockerfile) and prove it runs, where a container engine exists; skip quietly elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=""
for candidate in docker podman; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then engine="$candidate"; break; fi
done
if [ -z "$engine" ]; then
    echo "docker-build: no container engine here; skipped"
    exit 0
fi
"$engine" build -t panoptic:ci .
"$engine" run --rm panoptic:ci --version
"$engine" run --rm -v "$PWD/examples:/work/examples:ro" panoptic:ci check examples
