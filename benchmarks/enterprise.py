"""Enterprise store figures: API key verification, audit chain verification, user creation, backup.

    .venv/bin/python benchmarks/enterprise.py [--database-url URL] [--store-mb 100] [--users 1000] [--json out.json]

Each figure runs on a fresh store in a temporary project folder (SQLite unless a PostgreSQL URL is
given). Targets from the enterprise issue: an API key verifies in < 1 ms, a 10,000-entry audit
chain verifies in < 1 s, a 100 MB store backs up in < 5 s, 1,000 user creations take < 20 s on
SQLite with argon2 at the stated parameters.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, update

from panoptic.families.enterprise import audit, licence, schema, security
from panoptic.families.enterprise.service import Enterprise
from panoptic.families.enterprise.store import Store, utcnow

ADMIN_PASSWORD = "Bench-Admin-Pass-1"
USER_PASSWORD = "Bench-User-Pass-22"


def fresh(tmp: Path, name: str, url: str | None, monkeypatch_env: dict[str, str]) -> tuple[Enterprise, object]:
    os.environ.update(monkeypatch_env)
    project = tmp / name
    if url and url.startswith("postgresql"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        db = f"bench_{name}_{os.getpid()}"
        with psycopg.connect(base.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{db}"')
            c.execute(f'CREATE DATABASE "{db}"')
        url = f"{base}/{db}"
    ent = Enterprise(Store.open(project, url or f"sqlite:///{project / '.panoptic' / 'enterprise.db'}"))
    admin = ent.init_admin("ada", ADMIN_PASSWORD)
    private, public = licence.keygen()
    os.environ[licence.KEYS_ENV] = public
    payload = {
        "licensee": "bench",
        "id": "bench",
        "issued": date.today().isoformat(),
        "expires": (date.today() + timedelta(days=1)).isoformat(),
        "max_users": 100000,
        "max_projects": 100000,
    }
    ent.install_licence(admin, licence.issue(private, payload))
    return ent, admin


def bench_argon2(rounds: int = 20) -> dict[str, float]:
    times, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        security.hash_password(USER_PASSWORD)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "argon2_hash_ms_median": statistics.median(times) * 1000,
        "argon2_hash_cpu_ms_median": statistics.median(cpu) * 1000,
    }


def bench_keys(ent: Enterprise, admin: object, rounds: int) -> dict[str, float]:
    made = ent.create_key(admin, "bench", "ada", ["status:read"])
    ent.key_principal(made.key)  # warm: the last-used write happens at most once a minute
    times = []
    start_cpu = time.process_time()
    for _ in range(rounds):
        start = time.perf_counter()
        ent.key_principal(made.key)
        times.append(time.perf_counter() - start)
    cpu_each = (time.process_time() - start_cpu) / rounds
    hashed = security.hash_password(made.key)  # what keys hashed like passwords would cost instead
    start = time.perf_counter()
    for _ in range(10):
        security.verify_password(hashed, made.key)
    argon = (time.perf_counter() - start) / 10
    return {
        "key_verify_ms_median": statistics.median(times) * 1000,
        "key_verify_ms_p95": sorted(times)[int(len(times) * 0.95)] * 1000,
        "key_verify_cpu_ms_mean": cpu_each * 1000,
        "key_verify_if_argon2_ms": argon * 1000,
    }


def fill_audit(ent: Enterprise, count: int, details_bytes: int = 0) -> None:
    """Append `count` chained entries in batches (the same hashing as `audit.append`)."""
    A, H = schema.audit_log, schema.audit_head
    half = details_bytes // 2
    with ent.store.write() as conn:
        head = conn.execute(H.select()).one()
        seq, prev = head.seq, head.hash
        batch = []
        for n in range(count):
            seq += 1
            at = utcnow().isoformat(timespec="microseconds")
            # hex of random bytes: each row differs and compresses about as well as real log text (2:1)
            details = audit.canonical({"n": n, "pad": os.urandom(half).hex()} if half else {"n": n})
            digest = audit.entry_hash(seq, at, "bench", "bench.entry", f"t{n}", "ok", "info", details, prev)
            batch.append(
                {"seq": seq, "at": at, "actor": "bench", "action": "bench.entry", "target": f"t{n}", "outcome": "ok",
                 "severity": "info", "details": details, "prev_hash": prev, "hash": digest}
            )  # fmt: skip
            prev = digest
            if len(batch) == 5000:
                conn.execute(insert(A), batch)
                batch = []
        if batch:
            conn.execute(insert(A), batch)
        conn.execute(update(H).where(H.c.id == 1).values(seq=seq, hash=prev))


def bench_audit(ent: Enterprise, entries: int) -> dict[str, float]:
    with ent.store.read() as conn:
        present = conn.execute(schema.audit_head.select()).one().seq
    fill_audit(ent, entries - present)
    times, cpu = [], []
    for _ in range(5):
        with ent.store.read() as conn:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = audit.verify(conn)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert result.intact, result.summary()
        assert result.entries == entries, result.entries
    return {
        "audit_entries": result.entries,
        "audit_verify_s_median": statistics.median(times),
        "audit_verify_cpu_s_median": statistics.median(cpu),
    }


def bench_users(ent: Enterprise, admin: object, count: int) -> dict[str, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        ent.create_user(admin, f"user{n:05d}", "developer", USER_PASSWORD)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {
        "users_created": count,
        "user_creation_s_total": elapsed,
        "user_creation_cpu_s_total": cpu,
        "user_creation_ms_each": elapsed / count * 1000,
    }


def bench_backup(ent: Enterprise, admin: object, store_mb: int, tmp: Path) -> dict[str, float]:
    per_entry = 4096
    fill_audit(ent, store_mb * 1024 * 1024 // (per_entry + 400), details_bytes=per_entry)
    if ent.store.sqlite_path is not None:
        size = ent.store.sqlite_path.stat().st_size
    else:
        with ent.store.read() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
    start, start_cpu = time.perf_counter(), time.process_time()
    info = ent.backup(admin, tmp / "backups")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {"store_mb": size / 1e6, "archive_mb": info.size / 1e6, "backup_s": elapsed, "backup_cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--store-mb", type=int, default=100)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--key-rounds", type=int, default=2000)
    parser.add_argument("--audit-entries", type=int, default=10000)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--parts", default="argon2,keys,audit,users,backup", help="comma-separated subset to run")
    args = parser.parse_args()
    figures: dict[str, float] = {"load_average_1m_at_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="panoptic-enterprise-bench-") as tmp_name:
        tmp = Path(tmp_name)
        parts = set(args.parts.split(","))
        if "argon2" in parts:
            figures.update(bench_argon2())
        if "keys" in parts:
            ent, admin = fresh(tmp, "keys", args.database_url, {})
            figures.update(bench_keys(ent, admin, args.key_rounds))
            ent.store.close()
        if "audit" in parts:
            ent, admin = fresh(tmp, "audit", args.database_url, {})
            figures.update(bench_audit(ent, args.audit_entries))
            ent.store.close()
        if "users" in parts:
            ent, admin = fresh(tmp, "users", args.database_url, {})
            figures.update(bench_users(ent, admin, args.users))
            ent.store.close()
        if "backup" in parts:
            ent, admin = fresh(tmp, "backup", args.database_url, {})
            figures.update(bench_backup(ent, admin, args.store_mb, tmp))
            ent.store.close()
    figures["load_average_1m_at_end"] = os.getloadavg()[0]
    for key, value in figures.items():
        print(f"{key:28} {value:10.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
