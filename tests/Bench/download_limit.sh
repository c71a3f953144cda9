#!/usr/bin/env bash
# The server's ceiling: curl reading the file to /dev/null (nothing written); prints "1 <seconds>".
set -euo pipefail
start=$(date +%s.%N)
curl --silent --fail --output /dev/null "$(head -n 1 "$1")"
end=$(date +%s.%N)
echo "1 $(echo "$end - $start" | bc -l)"
