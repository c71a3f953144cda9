#!/usr/bin/env bash
# curl --parallel as a peer process; prints "<responses> <seconds>" (curl has no separate timed phase).
set -euo pipefail
config=$(mktemp)
trap 'rm -f "$config"' EXIT
sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$1" > "$config"
start=$(date +%s.%N)
n=$(curl --silent --no-progress-meter --parallel --parallel-max "$2" --config "$config" --write-out '%{http_code}\n' | grep -c '^200$')
end=$(date +%s.%N)
echo "$n $(echo "$end - $start" | bc -l)"
