# Peer for the fetch scenario: Python threads, one keep-alive http.client connection per thread.
# Reads URLs from the file argv[1], threads argv[2]; prints "<responses> <timed seconds>".
import http.client
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

local = threading.local()


def get(url):
    parts = urlsplit(url)
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection(parts.hostname, parts.port)
    conn.request("GET", parts.path + "?" + parts.query)
    return conn.getresponse().read()


with open(sys.argv[1]) as f:
    urls = f.read().split()
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    list(pool.map(get, urls[:1000]))  # warm-up: connections
    started = time.perf_counter()
    bodies = list(pool.map(get, urls))
    elapsed = time.perf_counter() - started
print(len(bodies), elapsed)
