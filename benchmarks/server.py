"""The server's batching: 8 concurrent clients against the same requests sent one after another.

Starts `vertaal serve` as its own process (the opus-mt-shaped random model, loaded with
--preload), then sends the sample page's sentences as /translate requests, one request per
sentence: first one after another from one client (the baseline, same run), then from 8 clients
at once. Reports requests/s, the throughput ratio, and p50/p95 latency.

    python -m benchmarks.server [--clients 8] [--requests 48] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time

from benchmarks.common import SAMPLE, VERTAAL, opus_shaped_model


def sentences(count: int, first: int) -> list[str]:
    """The sample page's sentences, numbered from `first` so that none comes from the memory;
    two runs with `first` of the same number of digits decode the same work."""
    from vertaal.text.sentences import segment_document

    found = [s for paragraph in segment_document(SAMPLE.read_text(encoding="utf-8")) for s in paragraph]
    found = [s for s in found if 20 < len(s) < 200]
    return [found[i % len(found)] + f" ({first + i})" for i in range(count)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _one(client, url: str, text: str) -> float:
    started = time.perf_counter()
    answer = await client.post(url, json={"q": text, "source": "nl", "target": "en"}, timeout=600)
    answer.raise_for_status()
    return time.perf_counter() - started


async def _run(url: str, texts: list[str], clients: int) -> dict:
    import httpx

    latencies: list[float] = []
    queue = list(texts)

    async def worker(client) -> None:
        while queue:
            latencies.append(await _one(client, url, queue.pop()))

    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(texts),
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(texts) / seconds, 2),
        "p50_s": round(statistics.median(ordered), 2),
        "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    variants = [measure("default", [], args), measure("--engine torch", ["--engine", "torch"], args)]
    result = {"variants": variants}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


def measure(name: str, flags: list[str], args: argparse.Namespace) -> dict:
    """One server process: the requests one after another, then from the clients at once."""
    model = opus_shaped_model()
    port = free_port()
    database = model.parent / "server-bench.db"
    database.unlink(missing_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "VERTAAL_DB": str(database)}
    server = subprocess.Popen(
        [sys.executable, "-c", VERTAAL, "serve", "--port", str(port), "--preload", "-m", str(model), *flags],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/translate"
    try:
        _wait(port)
        first = 10 ** len(str(args.requests))  # both runs: the same sentences, numbers of one width
        sequential = asyncio.run(_run(url, sentences(args.requests, first), 1))
        concurrent = asyncio.run(_run(url, sentences(args.requests, 2 * first), args.clients))
    finally:
        server.terminate()
        server.wait(30)
    ratio = round(concurrent["requests_per_s"] / sequential["requests_per_s"], 2)
    return {"server": name, "sequential": sequential, "concurrent": concurrent, "throughput_ratio": ratio}


def _wait(port: int) -> None:
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
