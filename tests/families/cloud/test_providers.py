"""Sync, cleanup and analytics against real local servers of S3 (moto), GCS (emulator) and Azure (Azurite)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from panoptic.families.cloud.analytics import analyse, load_runs
from panoptic.families.cloud.cleanup import cleanup
from panoptic.families.cloud.errors import BucketNotFound, StorageUnreachable
from panoptic.families.cloud.storage import open_store
from panoptic.families.cloud.storage.base import PART_SIZE
from panoptic.families.cloud.sync import sync_results
from tests.families.cloud.runs import Sc, write_run
from tests.families.cloud.servers import Proxy

T0 = 1_790_000_000.0


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_sync_uploads_every_file_then_skips_unchanged_ones(provider, tmp_path: Path) -> None:
    run = write_run(
        tmp_path / "run-a", "run-a", T0, [Sc("one", artifacts=2), Sc("two", ("failed",), artifacts=1)], report=True
    )
    bucket = provider.new_bucket()
    url = provider.url(bucket)
    local = _tree(run)

    first = sync_results(run, url)
    stored = provider.objects(bucket)
    assert set(stored) == {f"runs/run-a/{rel}" for rel in local}
    assert {"runs/run-a/results.jsonl.gz", "runs/run-a/report.html", "runs/run-a/junit.xml"} <= set(stored)
    assert first.uploaded == len(local) and first.skipped == 0
    assert provider.read(bucket, "runs/run-a/results.jsonl.gz") == (run / "results.jsonl.gz").read_bytes()

    second = sync_results(run, url)
    assert (second.uploaded, second.skipped) == (0, len(local))

    shot = next(run.rglob("shot-0.png"))
    shot.write_bytes(b"changed content")
    third = sync_results(run, url)
    assert (third.uploaded, third.skipped) == (1, len(local) - 1)
    key = f"runs/run-a/{shot.relative_to(run).as_posix()}"
    assert provider.read(bucket, key) == b"changed content"


def test_a_large_video_goes_up_in_parts_and_is_recognised_as_unchanged(provider, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run-v", "run-v", T0, [Sc("video")])
    video = run / "artifacts" / "001-1" / "video.webm"
    video.parent.mkdir(parents=True, exist_ok=True)
    video.write_bytes(bytes(range(256)) * ((PART_SIZE + 300_000) // 256))
    bucket = provider.new_bucket()
    result = sync_results(run, provider.url(bucket))
    assert result.uploaded == 2
    assert provider.read(bucket, "runs/run-v/artifacts/001-1/video.webm") == video.read_bytes()
    again = sync_results(run, provider.url(bucket))
    assert (again.uploaded, again.skipped) == (0, 2)


def test_a_missing_bucket_is_named_and_nothing_is_created(provider, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run-m", "run-m", T0, [Sc("one")])
    bucket = provider.new_bucket(create=False)
    with pytest.raises(BucketNotFound) as info:
        sync_results(run, provider.url(bucket), attempts=1)
    assert info.value.code == "PAN931"
    assert bucket in info.value.message
    assert "create" in (info.value.help or "")


def test_the_server_stopping_mid_upload_is_retried_then_reported_and_a_later_sync_completes(
    provider, tmp_path: Path
) -> None:
    run = write_run(tmp_path / "run-f", "run-f", T0, [Sc(f"s{i}", artifacts=6) for i in range(8)])
    bulk = run / "artifacts" / "zz-bulk"  # uploaded after the screenshots: the line is cut in the middle of these
    bulk.mkdir()
    for n in range(4):
        (bulk / f"blob-{n}.bin").write_bytes(bytes([n]) * 400_000)
    before = _tree(run)
    bucket = provider.new_bucket()
    proxy = Proxy(provider.server.port)
    proxy.start()
    try:
        proxy.cut_after = 700_000
        with pytest.raises(StorageUnreachable) as info:
            sync_results(run, provider.url(bucket, port=proxy.port), attempts=3, backoff=0.05, workers=4)
        err = info.value
        assert err.code == "PAN930"
        assert "gave up after 3 attempts" in err.message
        assert "the next sync uploads the rest" in err.message
        assert _tree(run) == before  # local results untouched
        partial = provider.objects(bucket)
        assert "runs/run-f/results.jsonl.gz" not in partial  # the results go last: the stored run is not complete
        assert len(partial) < len(before)

        proxy.start()
        resumed = sync_results(run, provider.url(bucket, port=proxy.port), attempts=3, backoff=0.05)
    finally:
        proxy.stop()
    stored = provider.objects(bucket)
    assert set(stored) == {f"runs/run-f/{rel}" for rel in before}
    assert resumed.skipped == len([k for k in partial if k in stored]) and resumed.skipped > 0
    assert resumed.uploaded == len(before) - resumed.skipped


def test_cleanup_deletes_old_runs_and_partial_uploads_with_counts_and_keeps_new_ones(provider, tmp_path: Path) -> None:
    bucket = provider.new_bucket()
    url = provider.url(bucket)
    old = write_run(tmp_path / "old-run", "old-run", T0, [Sc("one", artifacts=2)])
    sync_results(old, url)
    store = open_store(url)
    try:
        leftover = tmp_path / "leftover.bin"
        leftover.write_bytes(b"x" * 1000)
        from panoptic.families.cloud.storage.base import LocalFile

        store.upload(LocalFile.of(leftover), "broken-run/artifacts/a.bin")
    finally:
        store.close()
    old_done = time.time()
    time.sleep(3)  # stored modification times may be truncated to the second
    new = write_run(tmp_path / "new-run", "new-run", T0, [Sc("one")])
    sync_results(new, url)
    before = provider.objects(bucket)
    old_keys = {k: v for k, v in before.items() if k.startswith(("runs/old-run/", "runs/broken-run/"))}
    # the cutoff half-way between the two uploads, however long each took
    cutoff = old_done + 1.5
    now = cutoff + 100

    dry = cleanup(url, 100, dry_run=True, now=now)
    assert provider.objects(bucket) == before
    assert dry.runs == ("old-run",) and dry.partial == ("broken-run",)
    assert (dry.objects, dry.bytes) == (len(old_keys), sum(old_keys.values()))

    done = cleanup(url, 100, now=now)
    assert (done.runs, done.partial, done.objects, done.bytes, done.kept) == (
        dry.runs, dry.partial, dry.objects, dry.bytes, 1,
    )  # fmt: skip
    after = provider.objects(bucket)
    assert set(after) == set(before) - set(old_keys)
    assert all(k.startswith("runs/new-run/") for k in after)


def test_analytics_reads_every_stored_run(provider, tmp_path: Path) -> None:
    bucket = provider.new_bucket()
    url = provider.url(bucket)
    outcomes = [("passed",), ("failed",), ("failed", "passed")]
    for n, outcome in enumerate(outcomes):
        run = write_run(
            tmp_path / f"r{n}", f"r{n}", T0 + n * 3600, [Sc("stable"), Sc("wobbly", outcome, code="PAN902")]
        )
        sync_results(run, url)
    runs = load_runs([url])
    assert sorted(r.model.runs[0].run_id for r in runs) == ["r0", "r1", "r2"]
    data = analyse(runs)
    assert [r["pass_rate"] for r in data["runs"]] == [1.0, 0.5, 1.0]
    (flaky,) = data["flaky"]
    assert flaky["title"] == "wobbly" and flaky["passed_on_retry"] == 1 and flaky["flips"] == 2
    assert data["failure_categories"][0]["code"] == "PAN902"
    assert data["failure_categories"][0]["count"] == 2


def test_cleanup_aborts_multipart_uploads_left_unfinished(moto, monkeypatch) -> None:
    from tests.families.cloud.conftest import Provider, provider_env

    provider = Provider("s3", moto)
    provider_env(monkeypatch, "s3")
    bucket = provider.new_bucket()
    client = provider._s3()
    upload = client.create_multipart_upload(Bucket=bucket, Key="runs/r/artifacts/video.webm")
    client.upload_part(
        Bucket=bucket, Key="runs/r/artifacts/video.webm", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 1024
    )
    client.create_multipart_upload(Bucket=bucket, Key="elsewhere/video.webm")  # outside the prefix: left alone
    later = time.time() + 3 * 86400
    dry = cleanup(provider.url(bucket), 86400, dry_run=True, now=later)
    assert dry.aborted_uploads == 1 and "1 unfinished multipart upload(s)" in dry.summary()
    assert len(client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 2
    done = cleanup(provider.url(bucket), 86400, now=later)
    assert done.aborted_uploads == 1
    left = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u["Key"] for u in left] == ["elsewhere/video.webm"]


def test_a_large_s3_upload_cut_off_resumes_from_the_parts_already_stored(moto, monkeypatch, tmp_path: Path) -> None:
    from tests.families.cloud.conftest import Provider, provider_env

    provider = Provider("s3", moto)
    provider_env(monkeypatch, "s3")
    bucket = provider.new_bucket()
    run = write_run(tmp_path / "run-big", "run-big", T0, [Sc("video")])
    video = run / "artifacts" / "001-1" / "video.webm"
    video.parent.mkdir(parents=True, exist_ok=True)
    video.write_bytes(b"".join(bytes([n]) * (1 << 20) for n in range(18)))  # 18 MB: three parts
    proxy = Proxy(moto.port)
    proxy.start()
    try:
        proxy.cut_after = PART_SIZE + PART_SIZE // 2  # in the middle of the second part
        with pytest.raises(StorageUnreachable):
            sync_results(run, provider.url(bucket, port=proxy.port), attempts=2, backoff=0.05)
        assert "runs/run-big/artifacts/001-1/video.webm" not in provider.objects(bucket)
        proxy.start()
        sent_before = proxy.bytes_up
        sync_results(run, provider.url(bucket, port=proxy.port), attempts=2, backoff=0.05)
        resent = proxy.bytes_up - sent_before
    finally:
        proxy.stop()
    assert provider.read(bucket, "runs/run-big/artifacts/001-1/video.webm") == video.read_bytes()
    assert resent < video.stat().st_size - PART_SIZE // 2  # the first part was not sent again
    assert provider._s3().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
