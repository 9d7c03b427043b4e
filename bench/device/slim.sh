#!/usr/bin/env bash
# The device machine takes this repository's tree only up to 64 MiB (tracked and untracked files
# that git does not ignore, plus carried paths), and pretrained/ alone is 63 MB. For the call,
# take pretrained/ out of the index and ignore it locally; put it back right after.
#   bash bench/device/slim.sh on     # before run(...)
#   bash bench/device/slim.sh off    # after: the index and .git/info/exclude as they were
set -euo pipefail
cd "$(dirname "$0")/../.."
EXCLUDE=.git/info/exclude
case "${1:-}" in
  on)
    git rm -r -q --cached pretrained
    grep -qx '/pretrained/' "$EXCLUDE" 2>/dev/null || echo '/pretrained/' >>"$EXCLUDE"
    git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 ;;
  off)
    sed -i '\#^/pretrained/$#d' "$EXCLUDE"
    git reset -q -- pretrained
    git status --short pretrained | head -3 ;;
  *) echo "usage: bash bench/device/slim.sh on|off" >&2; exit 2 ;;
esac
