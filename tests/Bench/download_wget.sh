#!/usr/bin/env bash
# wget as a peer process (sequential: wget has no parallel mode); prints "<files> <seconds>".
set -euo pipefail
start=$(date +%s.%N)
wget --quiet --directory-prefix "$2" --input-file "$1"
end=$(date +%s.%N)
echo "$(find "$2" -maxdepth 1 -type f | wc -l) $(echo "$end - $start" | bc -l)"
