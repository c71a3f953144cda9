# Peer for the processmap scenario: multiprocessing.Pool().map. argv: work (square|burn), count,
# workers, burn iterations, warm (0|1), and optionally calls (default 1). Prints "<items> <seconds>";
# the timed phase includes creating and joining the pool (cold), or only the maps (that many, one
# after another) on a pool that already mapped once (warm).
import sys
import time
from multiprocessing import Pool

ITERATIONS = int(sys.argv[4])


def square(x):
    return x * x


def burn(_):
    n = 0
    for i in range(ITERATIONS):
        n = (n + i) % 1000003
    return n


if __name__ == "__main__":
    work = square if sys.argv[1] == "square" else burn
    items = range(1, int(sys.argv[2]) + 1)
    calls = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    if sys.argv[5] == "1":
        with Pool(int(sys.argv[3])) as pool:
            pool.map(work, items)
            started = time.perf_counter()
            results = [r for _ in range(calls) for r in pool.map(work, items)]
            elapsed = time.perf_counter() - started
    else:
        started = time.perf_counter()
        with Pool(int(sys.argv[3])) as pool:
            results = pool.map(work, items)
        elapsed = time.perf_counter() - started
    print(len(results), elapsed)
