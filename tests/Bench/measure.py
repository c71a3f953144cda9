# Runs one peer's command and reports what the whole process cost: wall time, CPU time and peak
# memory (the largest resident set of the process or any child it waited for), as one JSON line.
# The command's own stdout (its timed-phase report) is passed through in "stdout".
import json
import resource
import subprocess
import sys
import time

started = time.perf_counter()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "exit": completed.returncode,
    "wall": wall,
    "cpu": usage.ru_utime + usage.ru_stime,
    "peak_mb": usage.ru_maxrss / 1024,
    "stdout": completed.stdout.strip(),
}))
