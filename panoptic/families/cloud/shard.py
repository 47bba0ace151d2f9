"""Shards without a cluster: which scenarios shard K of N runs.

`plan(scenarios, total, durations)` splits the selected scenarios into N
shards, the same way on every machine that sees the same suite and the same
history:

* without past durations, in contiguous slices of program order whose sizes
  differ by at most one (like Playwright's `--shard`), so a file's scenarios
  stay together;
* with past durations (mean time of each scenario in earlier runs, read from
  results folders or a bucket by `durations_from`), by longest-first greedy
  assignment to the least-loaded shard (ties broken by scenario id), which
  keeps the slowest shard close to the ideal; scenarios without history count
  as the median known duration.

Every scenario lands in exactly one shard. `panoptic merge` joins the shard
folders into one report afterwards.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panoptic.families.cloud.errors import BadArgument

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `total`."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


@dataclass(frozen=True)
class Plan:
    """The scenarios of every shard (as indices into the scenario list) and their estimated times."""

    shards: tuple[tuple[int, ...], ...]
    estimates: tuple[float, ...]  # seconds per shard; 0.0 when no history was used
    balanced: bool  # True when past durations decided the split

    def of(self, shard: Shard) -> tuple[int, ...]:
        """The scenarios of one shard."""
        return self.shards[shard.index - 1]


def parse_shard(text: str) -> Shard:
    """`2/4` -> Shard(2, 4); anything else raises `BadArgument` (PAN938)."""
    found = _SHARD.match(text)
    if not found:
        raise BadArgument(f"`{text}` is not a shard", help="write K/N, e.g. --shard 2/4 for the second of four")
    index, total = int(found.group(1)), int(found.group(2))
    if total < 1 or not 1 <= index <= total:
        raise BadArgument(
            f"shard {index}/{total} does not exist",
            help=f"K goes from 1 to N: 1/{max(total, 1)} … {max(total, 1)}/{max(total, 1)}",
        )
    return Shard(index, total)


def _key(sid: str) -> str:
    """A scenario id without its file's folder: `suite/cart.pan::title` and `/ci/x/suite/cart.pan::title` agree."""
    file, sep, title = sid.partition("::")
    return f"{Path(file).name}::{title}" if sep else sid


def plan(ids: Sequence[str], total: int, durations: Mapping[str, float] | None = None) -> Plan:
    """Split scenarios (their ids, in program order) into `total` shards; see the module docstring."""
    if total < 1:
        raise BadArgument("a run needs at least one shard")
    known: dict[str, float] = {}
    if durations:
        by_key = {_key(k): v for k, v in durations.items()}
        for sid in ids:
            value = durations.get(sid, by_key.get(_key(sid)))
            if value is not None:
                known[sid] = value
    if not known:
        base, extra = divmod(len(ids), total)
        shards: list[tuple[int, ...]] = []
        start = 0
        for k in range(total):
            size = base + (1 if k < extra else 0)
            shards.append(tuple(range(start, start + size)))
            start += size
        return Plan(tuple(shards), (0.0,) * total, False)
    default = statistics.median(known.values())
    cost = [known.get(sid, default) for sid in ids]
    order = sorted(range(len(ids)), key=lambda i: (-cost[i], ids[i]))
    loads = [0.0] * total
    members: list[list[int]] = [[] for _ in range(total)]
    for i in order:
        target = min(range(total), key=lambda k: (loads[k], k))
        loads[target] += cost[i]
        members[target].append(i)
    return Plan(tuple(tuple(sorted(m)) for m in members), tuple(round(x, 3) for x in loads), True)


def durations_from(sources: Sequence[str | Path], *, base_dir: Path | None = None) -> dict[str, float]:
    """Mean time of each scenario over the runs stored in `sources` (folders or URLs); {} when none are found."""
    from panoptic.families.cloud.analytics import load_runs
    from panoptic.families.cloud.errors import NoResults

    try:
        runs = load_runs(sources, base_dir=base_dir)
    except NoResults:
        return {}
    times: dict[str, list[float]] = {}
    for run in runs:
        for sc in run.model.scenarios:
            if sc.status != "skipped":
                times.setdefault(sc.id, []).append(sc.final.duration)
    return {sid: statistics.fmean(values) for sid, values in times.items()}


def select_shard(
    program: Any, selected: Sequence[int], shard: Shard, durations: Mapping[str, float] | None = None
) -> list[int]:
    """The program's scenario indices (out of `selected`) that `shard` runs."""
    ids = [program.scenarios[i].id for i in selected]
    chosen = plan(ids, shard.total, durations).of(shard)
    return [selected[i] for i in chosen]
