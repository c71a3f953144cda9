#!/usr/bin/env bash
# aria2c as a peer process; prints "<files> <seconds>".
set -euo pipefail
start=$(date +%s.%N)
aria2c --quiet --max-concurrent-downloads "$3" --max-connection-per-server 1 --split 1 --dir "$2" --input-file "$1"
end=$(date +%s.%N)
echo "$(find "$2" -maxdepth 1 -type f | wc -l) $(echo "$end - $start" | bc -l)"
