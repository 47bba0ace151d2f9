"""The hash-chained, append-only audit log.

Entry n stores `hash = SHA-256(canonical JSON of [seq, at, actor, action, target, outcome, severity,
details, prev_hash])` with `prev_hash` the hash of entry n-1 (64 zeros before the first). The
`audit_head` row holds the last sequence number and hash and is updated in the same transaction as
each append. `verify` recomputes the chain: an edited entry fails its own hash, an inserted one
breaks the links or the numbering, a deleted one leaves a gap or a head that points past the end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.security import sha256
from panoptic.families.enterprise.store import utcnow

A = schema.audit_log
COLUMNS = ("seq", "at", "actor", "action", "target", "outcome", "severity", "details", "prev_hash", "hash")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    seq: int, at: str, actor: str, action: str, target: str, outcome: str, severity: str, details: str, prev: str
) -> str:
    return sha256(canonical([seq, at, actor, action, target, outcome, severity, details, prev]))


def append(
    conn: Connection,
    *,
    actor: str,
    action: str,
    target: str = "",
    outcome: str = "ok",
    severity: str = "info",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one entry inside the caller's transaction; returns its sequence number."""
    H = schema.audit_head
    head = conn.execute(select(H.c.seq, H.c.hash).where(H.c.id == 1).with_for_update()).one()
    seq = head.seq + 1
    at = utcnow().isoformat(timespec="microseconds")
    body = canonical(details or {})
    digest = entry_hash(seq, at, actor, action, target, outcome, severity, body, head.hash)
    conn.execute(
        A.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target[:255],
            outcome=outcome,
            severity=severity,
            details=body,
            prev_hash=head.hash,
            hash=digest,
        )
    )
    conn.execute(update(H).where(H.c.id == 1).values(seq=seq, hash=digest))
    return seq


@dataclass(frozen=True)
class Problem:
    """One break in the chain."""

    seq: int
    kind: str  # edited | missing | inserted | head
    detail: str


@dataclass(frozen=True)
class Verification:
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[Problem, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.intact:
            return f"audit chain intact: {self.entries} entries, head {self.head_hash[:16]}…"
        first = "; ".join(f"entry {p.seq}: {p.detail}" for p in self.problems[:3])
        more = f" (+{len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        return f"audit chain broken at {len(self.problems)} place(s): {first}{more}"


def verify(conn: Connection, *, limit: int = 100) -> Verification:
    """Recompute the whole chain in order; collect at most `limit` problems."""
    H = schema.audit_head
    head = conn.execute(select(H.c.seq, H.c.hash).where(H.c.id == 1)).one()
    problems: list[Problem] = []
    expected_seq, prev, count = 1, schema.GENESIS, 0
    last_seq, last_hash = 0, schema.GENESIS
    rows = conn.execution_options(yield_per=2000).execute(select(*[A.c[name] for name in COLUMNS]).order_by(A.c.seq))
    for seq, at, actor, action, target, outcome, severity, details, prev_hash, digest in rows:
        count += 1
        if len(problems) < limit:
            if seq > expected_seq:
                problems.append(Problem(expected_seq, "missing", f"entries {expected_seq}–{seq - 1} were deleted"))
            if entry_hash(seq, at, actor, action, target, outcome, severity, details, prev_hash) != digest:
                problems.append(Problem(seq, "edited", "its content does not match its hash (edited)"))
            elif prev_hash != prev:
                problems.append(
                    Problem(seq, "inserted", "it does not link to the entry before it (inserted or reordered)")
                )
        expected_seq, prev = seq + 1, digest
        last_seq, last_hash = seq, digest
    if last_seq != head.seq or last_hash != head.hash:
        if last_seq > head.seq:
            detail = f"entries after {head.seq} were added behind the store's back"
        elif last_seq < head.seq:
            detail = f"the last {head.seq - last_seq} entries were deleted"
        else:
            detail = "the last entry differs from the recorded head"
        problems.append(Problem(max(last_seq, head.seq), "head", detail))
    return Verification(count, head.seq, head.hash, tuple(problems))


@dataclass(frozen=True)
class Filters:
    """Audit report filters; all optional."""

    user: str | None = None
    action: str | None = None
    severity: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def entries(conn: Connection, filters: Filters) -> list[dict[str, Any]]:
    query = select(*[A.c[name] for name in COLUMNS]).order_by(A.c.seq)
    if filters.user:
        query = query.where(A.c.actor == filters.user)
    if filters.action:
        query = query.where(A.c.action == filters.action)
    if filters.severity:
        query = query.where(A.c.severity == filters.severity)
    if filters.since:
        query = query.where(A.c.at >= filters.since.isoformat(timespec="microseconds"))
    if filters.until:
        query = query.where(A.c.at <= filters.until.isoformat(timespec="microseconds"))
    out = []
    for row in conn.execute(query):
        item = dict(row._mapping)
        item["details"] = json.loads(item["details"])
        out.append(item)
    return out


def render(rows: Iterable[dict[str, Any]], fmt: str) -> str:
    """Entries as JSON (a list of objects) or CSV (one row per entry, details as JSON)."""
    rows = list(rows)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([canonical(row[c]) if c == "details" else row[c] for c in COLUMNS])
    return buf.getvalue()
