#!/usr/bin/env bash
# curl as a peer process (--parallel for many URLs); prints "<files> <seconds>" for the whole run.
set -euo pipefail
start=$(date +%s.%N)
if [ "$3" -gt 1 ]; then
  xargs curl --silent --fail --no-progress-meter --parallel --parallel-max "$3" --output-dir "$2" --remote-name-all < "$1"
else
  xargs curl --silent --fail --no-progress-meter --output-dir "$2" --remote-name-all < "$1"
fi
end=$(date +%s.%N)
echo "$(find "$2" -maxdepth 1 -type f | wc -l) $(echo "$end - $start" | bc -l)"
