#!/usr/bin/env bash
# The disk's ceiling: 1 GiB written into the output folder the way Invoke-ThreadedDownload writes a
# large file (direct writes of 4 MiB blocks, one at a time), with no network at all. Prints "1 <seconds>";
# the file is removed after, untimed. Linux only (dd oflag=direct).
set -euo pipefail
file="$1/disk-limit.bin"
start=$(date +%s.%N)
dd if=/dev/zero of="$file" bs=4M count=256 oflag=direct status=none
end=$(date +%s.%N)
rm -f "$file"
echo "1 $(echo "$end - $start" | bc -l)"
