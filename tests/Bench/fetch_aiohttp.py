# Peer for the fetch scenario: asyncio + aiohttp, gather over a semaphore, one ClientSession.
# Reads URLs from the file argv[1], concurrency argv[2]; prints "<responses> <timed seconds>".
import asyncio
import sys
import time

import aiohttp


async def main(urls, concurrency):
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def fetch(url):
            async with semaphore:
                async with session.get(url) as response:
                    return await response.read()

        await asyncio.gather(*(fetch(u) for u in urls[:1000]))  # warm-up: connections
        started = time.perf_counter()
        bodies = await asyncio.gather(*(fetch(u) for u in urls))
        elapsed = time.perf_counter() - started
    print(len(bodies), elapsed)


with open(sys.argv[1]) as f:
    url_list = f.read().split()
asyncio.run(main(url_list, int(sys.argv[2])))
