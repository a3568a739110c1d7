#!/usr/bin/env bash
# Install a lock file into a brand-new virtual environment exactly as a fresh machine would:
# no pip cache, no pip configuration file, no local wheel folder or extra index of this machine.
# A pin that points at a file, a URL or a folder, or a missing hash, fails here.
# usage: scripts/install_check.sh requirements/run.txt
set -euo pipefail
lock=${1:?usage: $0 LOCKFILE}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
# A copy of the package sources, so building it leaves nothing behind in this checkout.
mkdir "$work/src"
cp -r "$(dirname "$0")/../pyproject.toml" "$(dirname "$0")/../README.md" "$(dirname "$0")/../tools" "$work/src/"
start=$(date +%s)
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
  PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$work/venv/bin/python" -m pip install --quiet --require-hashes --only-binary=:all: -r "$lock"
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
  PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$work/venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation "$work/src"
"$work/venv/bin/postdesk" --help >/dev/null
echo "install-check: $lock installed from the package index alone in $(( $(date +%s) - start )) s, $(du -sm "$work/venv" | cut -f1) MB"
