# Peer for the fetch scenario: Python threads, one keep-alive http.client connection per thread.
# Reads URLs on stdin, prints how many responses it read.
import http.client
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

local = threading.local()


def get(url):
    parts = urlsplit(url)
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection(parts.hostname, parts.port)
    conn.request("GET", parts.path + "?" + parts.query)
    return len(conn.getresponse().read())


urls = sys.stdin.read().split()
with ThreadPoolExecutor(int(sys.argv[1])) as pool:
    print(sum(1 for _ in pool.map(get, urls)))
