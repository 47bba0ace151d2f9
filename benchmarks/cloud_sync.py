"""Cloud family speed: syncing 1,000 small artifacts to S3, and analytics over 10,000 stored scenario results.

Sync: a real moto server (`moto_server`, in memory, 127.0.0.1) and one run
folder of 1,000 small artifacts (1–16 KB) plus its results file. Each round
is a pair, in alternating order: `panoptic sync` (`sync_results`, default 16
uploads at a time) into a fresh prefix, and the plain alternative, one boto3
`put_object` after the other with one client, into another fresh prefix.
Both verify the body with Content-MD5. The figure is the median of the
per-pair ratios. A third timing is the second sync of the same folder
(every file unchanged: one listing, no upload).

Analytics: 100 runs of 100 scenarios (5 steps each, some failing, some
flaky) written by the real results writer; the time of reading every
results file, analysing and writing analytics.json and analytics.html
(median of rounds). With `--bucket`, the same runs are synced to moto and
read back from the bucket too.

    .venv/bin/python benchmarks/cloud_sync.py [--rounds 5] [--files 1000] [--latency-ms 20] [--bucket] [--json out.json]

With `--latency-ms`, both sides talk to moto through one local TCP proxy that
delays every answer by that much, as a network between the machine and its
store would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from panoptic.families.cloud.analytics import analyse, load_runs, write_analytics  # noqa: E402
from panoptic.families.cloud.storage.base import LocalFile  # noqa: E402
from panoptic.families.cloud.sync import sync_results  # noqa: E402
from tests.families.cloud.runs import Sc, write_run  # noqa: E402
from tests.families.cloud.servers import Proxy, start_moto  # noqa: E402


def make_artifacts(folder: Path, count: int) -> Path:
    """A run folder with `count` small artifacts of 1-16 KB and a results file."""
    rng = random.Random(7)
    write_run(folder, "bench", time.time(), [Sc("one")])
    for i in range(count):
        path = folder / "artifacts" / f"{i // 50:03d}-scenario" / f"shot-{i:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(rng.randint(1024, 16 * 1024)))
    return folder


def sequential_puts(client, bucket: str, prefix: str, folder: Path) -> int:
    """The plain way: one `put_object` after the other, with Content-MD5."""
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        local = LocalFile.of(path)
        client.put_object(
            Bucket=bucket, Key=f"{prefix}/{path.relative_to(folder).as_posix()}", Body=local.data(),
            ContentMD5=local.md5_base64,
        )  # fmt: skip
        count += 1
    return count


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (the moto server)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_sync(tmp: Path, rounds: int, files: int, workers: int, latency: float = 0.0) -> dict:
    import boto3

    server = start_moto(tmp)
    proxy = None
    port = server.port
    if latency:  # both sides through the same proxy that delays every answer by `latency` seconds
        proxy = Proxy(server.port, delay=latency)
        proxy.start()
        port = proxy.port
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket="bench")
        folder = make_artifacts(tmp / "run", files)
        total = sum(1 for p in folder.rglob("*") if p.is_file())
        ours, plain, ratios, again = [], [], [], []
        cpu: dict[str, list[float]] = {"ours": [], "plain": [], "ours_server": [], "plain_server": []}
        for r in range(rounds):
            url = f"s3://bench/ours-{r}?endpoint={endpoint}&region=us-east-1"
            order = ("ours", "plain") if r % 2 == 0 else ("plain", "ours")
            times = {}
            for which in order:
                start, own, served = time.perf_counter(), time.process_time(), _cpu_of(server.process.pid)
                if which == "ours":
                    result = sync_results(folder, url, workers=workers)
                    assert result.uploaded == total, result
                else:
                    assert sequential_puts(client, "bench", f"plain-{r}", folder) == total
                times[which] = time.perf_counter() - start
                cpu[which].append(time.process_time() - own)
                cpu[f"{which}_server"].append(_cpu_of(server.process.pid) - served)
            ours.append(times["ours"])
            plain.append(times["plain"])
            ratios.append(times["plain"] / times["ours"])
            start = time.perf_counter()
            result = sync_results(folder, url)
            again.append(time.perf_counter() - start)
            assert result.uploaded == 0 and result.skipped == total
            print(
                f"round {r + 1}: sync {times['ours']:.2f}s, sequential puts {times['plain']:.2f}s, "
                f"ratio {ratios[-1]:.1f}x, unchanged re-sync {again[-1]:.2f}s",
                flush=True,
            )
        return {
            "files": total,
            "sync_median_s": statistics.median(ours),
            "sequential_puts_median_s": statistics.median(plain),
            "ratio_median": statistics.median(ratios),
            "ratio_min": min(ratios),
            "unchanged_resync_median_s": statistics.median(again),
            "workers": workers,
            "added_latency_ms": latency * 1000,
            "cpu_median_s": {k: statistics.median(v) for k, v in cpu.items()},
            "load": os.getloadavg()[0],
        }
    finally:
        if proxy is not None:
            proxy.stop()
        server.stop()


def make_history(root: Path, runs: int = 100, scenarios: int = 100) -> int:
    rng = random.Random(11)
    t0 = time.time() - runs * 3600
    for r in range(runs):
        scs = []
        for s in range(scenarios):
            roll = rng.random()
            attempts = ("failed",) if roll < 0.05 else ("failed", "passed") if roll < 0.08 else ("passed",)
            steps = tuple(round(rng.uniform(0.01, 0.5 + s / 100), 3) for _ in range(5))
            scs.append(Sc(f"scenario {s:03d}", attempts, steps=steps, code=rng.choice(("PAN901", "PAN902", "PAN908"))))
        write_run(root / f"run-{r:03d}", f"run-{r:03d}", t0 + r * 3600, scs)
    return runs * scenarios


def bench_analytics(tmp: Path, rounds: int, bucket: bool) -> dict:
    root = tmp / "history"
    results = make_history(root)
    out: dict = {"scenario_results": results}
    times, cpu = [], []
    for _ in range(rounds):
        start, own = time.perf_counter(), time.process_time()
        data = analyse(load_runs([root]))
        write_analytics(data, tmp / "analytics")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - own)
        assert data["summary"]["scenario_results"] == results
    out["local_median_s"] = statistics.median(times)
    out["local_cpu_median_s"] = statistics.median(cpu)
    print(
        f"analytics over {results} scenario results (local folder): {out['local_median_s']:.2f}s "
        f"(CPU {out['local_cpu_median_s']:.2f}s)",
        flush=True,
    )
    if bucket:
        server = start_moto(tmp)
        try:
            import boto3

            boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1").create_bucket(Bucket="history")
            url = f"s3://history/runs?endpoint={server.endpoint}&region=us-east-1"
            sync_results(root, url)
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                data = analyse(load_runs([url]))
                write_analytics(data, tmp / "analytics-bucket")
                times.append(time.perf_counter() - start)
            out["bucket_median_s"] = statistics.median(times)
            print(f"analytics over {results} scenario results (moto bucket): {out['bucket_median_s']:.2f}s", flush=True)
        finally:
            server.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=16, help="uploads at the same time (the sync's default)")
    parser.add_argument("--skip-analytics", action="store_true")
    parser.add_argument("--skip-sync", action="store_true")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay every answer of the server by this much (a network)"
    )
    parser.add_argument("--bucket", action="store_true", help="also time analytics read from a moto bucket")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    with tempfile.TemporaryDirectory(prefix="panoptic-cloud-bench-") as tmp:
        report: dict = {"load_before": os.getloadavg()[0]}
        if not args.skip_sync:
            report["sync"] = bench_sync(Path(tmp), args.rounds, args.files, args.workers, args.latency_ms / 1000)
        if not args.skip_analytics:
            report["analytics"] = bench_analytics(Path(tmp), max(1, args.rounds // 2 + 1), args.bucket)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
