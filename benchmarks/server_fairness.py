"""The server's fairness: a one-sentence request's latency while one client's huge request runs.

Starts `vertaal serve` as its own process (a small random Marian, so that 20,000 sentences take
minutes, not hours: the measure is the scheduling, not the model), then measures one-sentence
/translate requests, one every 0.5 s: first with the server idle (the baseline, same run), then
while another client's single request of 20,000 sentences (one JSON `q` list) is translated.
Reports p50/p95 of both and the ratio of the busy p95 to the idle p95. Without chunking the
short requests would wait for the whole long one.

    python -m benchmarks.server_fairness [--sentences 20000] [--probes 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

from benchmarks.common import CACHE, VERTAAL
from benchmarks.server import _wait, free_port
from tests import factory


def small_model():
    directory = CACHE / "fairness-small"
    if not (directory / "config.json").exists():
        tmp = CACHE / "fairness-small.tmp"
        factory.build_model(tmp, d_model=64, layers=2, heads=4, ffn=128, num_beams=4)
        tmp.rename(directory)
    return directory


def probe(url: str, count: int, gap: float) -> list[float]:
    import httpx

    latencies = []
    for n in range(count):
        started = time.perf_counter()
        answer = httpx.post(url, json={"q": f"De dienst werkt samen ({n}).", "source": "nl", "target": "en"},
                            timeout=600)  # fmt: skip
        answer.raise_for_status()
        latencies.append(time.perf_counter() - started)
        time.sleep(gap)
    return latencies


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "probes": len(ordered),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import httpx

    model = small_model()
    port = free_port()
    database = model.parent / "fairness-bench.db"
    database.unlink(missing_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "VERTAAL_DB": str(database)}
    server = subprocess.Popen(
        [sys.executable, "-c", VERTAAL, "serve", "--port", str(port), "--preload", "-m", str(model),
         "--no-memory", "--char-limit", "10000000", "--batch-limit", "100000"],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/translate"
    try:
        _wait(port)
        idle = probe(url, args.probes, 0.5)
        long_done: dict[str, float] = {}

        def long_request() -> None:
            started = time.perf_counter()
            texts = [f"Zin {n} van het jaarverslag." for n in range(args.sentences)]  # 0.6 MB of JSON
            body = {"q": texts, "source": "nl", "target": "en"}
            httpx.post(url, json=body, timeout=7200).raise_for_status()
            long_done["seconds"] = time.perf_counter() - started

        worker = threading.Thread(target=long_request)
        worker.start()
        time.sleep(2.0)
        busy = probe(url, args.probes, 0.5)
        busy_while_running = worker.is_alive()
        worker.join()
    finally:
        server.terminate()
        server.wait(30)
    result = {
        "sentences": args.sentences,
        "long_request_s": round(long_done.get("seconds", float("nan")), 1),
        "probes_during_long_request": busy_while_running,
        "idle": summary(idle),
        "busy": summary(busy),
        "p95_ratio": round(summary(busy)["p95_s"] / summary(idle)["p95_s"], 2),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
