"""Self-healing targets on the web: fingerprints of targeted elements, ranking, and the replacement target.

`WebHealer` implements `panoptic.contract.healing.TargetHealer`:

* `remember` stores the fingerprint of the element a target names (`PageServices.fingerprint`: tag, id,
  test id, name, type, role, accessible name, own text, placeholder, href, classes, parent, the texts of
  its neighbours, its tag path and box) under `.panoptic/heal/<app>.json` of the project, keyed by the
  target as written (`"#save"`, `role button "Save"`);
* `heal` ranks every visible element of the live page against the stored fingerprint (`rank`) and, when
  the best reaches the threshold (`THRESHOLD`, run option `heal_threshold`), picks a target that names
  that element alone: the original kind first (`"#id"` → `"#new-id"`), then test id, role and name,
  label, placeholder, id;
* `record` appends the healing to `heal.json` in the run's output folder, which `panoptic heal --apply`
  reads (`panoptic.families.ai.heal_apply`).

Scores are in 0..1: 0.6 of the score comes from what identifies an element (id, test id, name, accessible
name, text, placeholder, href), 0.4 from where and what it is (tag, role, type, classes, parent,
neighbours, path, position, size); only features the stored element has count. Ranking is two-stage: an
exact-match pass over every candidate (C-level comparisons), then fuzzy string similarity (difflib) for
the best `REFINE` of them.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from operator import eq, itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from panoptic.contract import ResolvedTarget
from panoptic.contract.app import AppDef
from panoptic.contract.family import RunContext
from panoptic.contract.healing import HEAL_FILE, HealResult, read_heal_file, write_heal_file
from panoptic.source import Span

THRESHOLD = 0.75  # the lowest score a replacement may have
REFINE = 40  # candidates scored with fuzzy similarity after the exact-match pass
HEALABLE = frozenset({"css", "id", "testid", "role", "label", "placeholder", "text", "xpath"})
STORE_DIR = ("heal",)  # under the project's `.panoptic/`

IDENTITY = (
    ("id", 1.5),
    ("testid", 1.5),
    ("name", 1.0),
    ("label", 2.0),
    ("text", 1.5),
    ("placeholder", 1.0),
    ("href", 1.0),
)
STRUCTURE = (("tag", 1.0), ("role", 1.0), ("type", 0.5), ("parent", 0.75), ("prev", 0.5), ("next", 0.5), ("path", 0.5))
CLASSES_WEIGHT, POSITION_WEIGHT, SIZE_WEIGHT = 1.0, 1.0, 0.5
IDENTITY_SHARE = 0.6
POSITION_SCALE = 400.0  # CSS pixels at which the position similarity reaches 0

_KEYS = tuple(k for k, _ in IDENTITY) + tuple(k for k, _ in STRUCTURE)
_GET = itemgetter(*_KEYS)
_N_IDENTITY = len(IDENTITY)
_CSS_ID = re.compile(r"#(-?[A-Za-z_][\w-]*)")
_IDENT = re.compile(r"-?[A-Za-z_][\w-]*")


# ---- targets as text -----------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """A Panoptic string literal whose value is exactly `text`."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + body.replace("${", "$${") + '"'


def target_text(target: ResolvedTarget) -> str:
    """A target in Panoptic syntax: `"#save"`, `testid "save"`, `role button "Save"`, `text exact "OK"`."""
    value = quote(target.value or "")
    if target.kind == "css":
        return value
    if target.kind == "role":
        return f"role {target.role}" + (f" {value}" if target.value is not None else "")
    if target.kind == "text" and target.exact:
        return f"text exact {value}"
    return f"{target.kind} {value}"


# ---- fingerprints and scores -----------------------------------------------------------------------------------


def _clean(fp: Mapping[str, Any]) -> dict[str, Any]:
    """A fingerprint with every field present and of the right type (stored files may be older or edited)."""
    out: dict[str, Any] = {k: str(fp.get(k) or "") for k in _KEYS}
    out["classes"] = [str(c) for c in (fp.get("classes") or ())][:12]
    box = fp.get("box") or (0, 0, 0, 0)
    try:
        out["box"] = [float(v) for v in box][:4]
    except (TypeError, ValueError):
        out["box"] = [0.0, 0.0, 0.0, 0.0]
    if len(out["box"]) < 4:
        out["box"] = [0.0, 0.0, 0.0, 0.0]
    return out


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _geometry(stored: Sequence[float], box: Sequence[float]) -> tuple[float, float]:
    """(position similarity, size similarity) of two boxes [x, y, w, h]."""
    sx, sy, sw, sh = stored
    x, y, w, h = box
    dx = (sx + sw / 2) - (x + w / 2)
    dy = (sy + sh / 2) - (y + h / 2)
    position = max(0.0, 1.0 - (dx * dx + dy * dy) ** 0.5 / POSITION_SCALE)
    size = 0.0
    if sw > 0 and sh > 0 and w > 0 and h > 0:
        size = ((min(sw, w) / max(sw, w)) * (min(sh, h) / max(sh, h))) ** 0.5
    return position, size


class Ranker:
    """Scores candidates against one stored fingerprint (see the module docstring)."""

    def __init__(self, stored: Mapping[str, Any]) -> None:
        fp = _clean(stored)
        self.stored = fp
        self.values = _GET(fp)
        weights = [w for _, w in IDENTITY] + [w for _, w in STRUCTURE]
        # A feature the stored element lacks says nothing: weight 0.
        self.weights = [w if v else 0.0 for w, v in zip(weights, self.values, strict=True)]
        self.identity_total = sum(self.weights[:_N_IDENTITY])
        self.classes = set(fp["classes"])
        self.box = fp["box"]
        has_box = self.box[2] > 0 and self.box[3] > 0
        self.structure_total = (
            sum(self.weights[_N_IDENTITY:])
            + (CLASSES_WEIGHT if self.classes else 0.0)
            + ((POSITION_WEIGHT + SIZE_WEIGHT) if has_box else 0.0)
        )
        self.has_box = has_box
        # `_combine` is linear: fold its shares into the weights once, for the exact-match pass.
        if not self.identity_total:
            i_scale, s_scale = 0.0, (0.9 / self.structure_total if self.structure_total else 0.0)
        elif not self.structure_total:
            i_scale, s_scale = 1.0 / self.identity_total, 0.0
        else:
            i_scale = IDENTITY_SHARE / self.identity_total
            s_scale = (1 - IDENTITY_SHARE) / self.structure_total
        self.scaled = [w * i_scale for w in self.weights[:_N_IDENTITY]] + [
            w * s_scale for w in self.weights[_N_IDENTITY:]
        ]
        self.shared_scale = s_scale

    def _combine(self, identity: float, structure: float) -> float:
        s = structure / self.structure_total if self.structure_total else 0.0
        if not self.identity_total:
            return 0.9 * s  # nothing identifies the element: structure alone is less certain
        i = identity / self.identity_total
        return IDENTITY_SHARE * i + (1 - IDENTITY_SHARE) * s if self.structure_total else i

    def _shared(self, cand: Mapping[str, Any]) -> float:
        structure = 0.0
        if self.classes:
            other = set(cand.get("classes") or ())
            structure += CLASSES_WEIGHT * len(self.classes & other) / len(self.classes | other)
        if self.has_box:
            box = cand.get("box")
            if box and len(box) == 4:
                position, size = _geometry(self.box, box)
                structure += POSITION_WEIGHT * position + SIZE_WEIGHT * size
        return structure

    def quick(self, cand: Mapping[str, Any]) -> float:
        """The exact-match score: equal features count fully, different ones not at all."""
        try:
            values = _GET(cand)
        except KeyError:
            values = tuple(cand.get(k, "") for k in _KEYS)
        return sum(compress(self.scaled, map(eq, values, self.values))) + self.shared_scale * self._shared(cand)

    def score(self, cand: Mapping[str, Any]) -> float:
        """The full score: fuzzy similarity of the texts (difflib) instead of equality."""
        identity = structure = 0.0
        for i, (key, stored) in enumerate(zip(_KEYS, self.values, strict=True)):
            weight = self.weights[i]
            if not weight:
                continue
            value = str(cand.get(key) or "")
            if key in ("tag", "role", "type"):
                sim = 1.0 if value == stored else 0.0
            else:
                sim = _ratio(stored, value)
            if i < _N_IDENTITY:
                identity += weight * sim
            else:
                structure += weight * sim
        return self._combine(identity, structure + self._shared(cand))

    def rank(self, candidates: Sequence[Mapping[str, Any]], top: int = 5) -> list[tuple[float, Mapping[str, Any]]]:
        """The best `top` candidates with their full scores, best first."""
        quick = self.quick
        firsts = sorted(((quick(c), n) for n, c in enumerate(candidates)), reverse=True)[:REFINE]
        scored = sorted(((self.score(candidates[n]), n) for _, n in firsts), reverse=True)[:top]
        return [(round(s, 4), candidates[n]) for s, n in scored]


def rank(
    stored: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]], top: int = 5
) -> list[tuple[float, Mapping[str, Any]]]:
    """Candidates (page fingerprints) most like `stored`, best first, with scores in 0..1."""
    return Ranker(stored).rank(candidates, top)


def replacements(old: ResolvedTarget, cand: Mapping[str, Any]) -> Iterator[ResolvedTarget]:
    """Targets that could name `cand`: the old target's kind first, then test id, role and name, label,
    placeholder, id."""
    tag, role = str(cand.get("tag") or ""), str(cand.get("role") or "")
    ident, testid = str(cand.get("id") or ""), str(cand.get("testid") or "")
    label, text = str(cand.get("label") or ""), str(cand.get("text") or "")
    placeholder = str(cand.get("placeholder") or "")
    same: list[ResolvedTarget] = []
    if old.kind == "css" and old.value and _CSS_ID.fullmatch(old.value.strip()) and _IDENT.fullmatch(ident):
        same.append(ResolvedTarget("css", "#" + ident))
    elif old.kind == "id" and ident:
        same.append(ResolvedTarget("id", ident))
    elif old.kind == "testid" and testid:
        same.append(ResolvedTarget("testid", testid))
    elif old.kind == "role" and role and label:
        same.append(ResolvedTarget("role", label, role=role, exact=old.exact))
    elif old.kind == "label" and label and tag in ("input", "select", "textarea"):
        same.append(ResolvedTarget("label", label, exact=old.exact))
    elif old.kind == "placeholder" and placeholder:
        same.append(ResolvedTarget("placeholder", placeholder, exact=old.exact))
    elif old.kind == "text" and text:
        same.append(ResolvedTarget("text", text, exact=old.exact))
    yield from same
    if testid:
        yield ResolvedTarget("testid", testid)
    if role and label and role not in ("generic", "presentation", "none"):
        yield ResolvedTarget("role", label, role=role)
    if label and tag in ("input", "select", "textarea"):
        yield ResolvedTarget("label", label)
    if placeholder:
        yield ResolvedTarget("placeholder", placeholder)
    if _IDENT.fullmatch(ident):
        yield ResolvedTarget("id", ident)


def describe_candidate(cand: Mapping[str, Any]) -> str:
    """A short name for a candidate in a message: its first possible target, else `<tag#id.class>`."""
    for target in replacements(ResolvedTarget("css", ""), cand):
        return target_text(target)
    text = str(cand.get("text") or "")
    return f"<{cand.get('tag') or '?'}>" + (f" {quote(text[:30])}" if text else "")


# ---- the store -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock of `folder` itself (no lock file is left) between worker processes; a no-op where
    fcntl is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Linux
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _app_file(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip(".-") or "app"


class FingerprintStore:
    """Fingerprints per app under `<project>/.panoptic/heal/`; written back (merged) by `save`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}

    def path(self, app: str) -> Path:
        return self.folder / f"{_app_file(app)}.json"

    def _targets(self, app: str) -> dict[str, Any]:
        found = self._loaded.get(app)
        if found is None:
            data = _read_json(self.path(app))
            targets = data.get("targets") if isinstance(data, dict) else None
            found = self._loaded[app] = targets if isinstance(targets, dict) else {}
        return found

    def get(self, app: str, key: str) -> dict[str, Any] | None:
        fp = self._new.get(app, {}).get(key) or self._targets(app).get(key)
        return fp if isinstance(fp, dict) else None

    def put(self, app: str, key: str, fp: dict[str, Any]) -> None:
        self._new.setdefault(app, {})[key] = fp

    def save(self) -> None:
        """Merge what this process saw into the files (under a lock: other workers save too)."""
        if not self._new:
            return
        with _locked(self.folder):
            for app, new in self._new.items():
                path = self.path(app)
                data = _read_json(path)
                targets = data.get("targets") if isinstance(data, dict) else None
                merged = dict(targets) if isinstance(targets, dict) else {}
                merged.update(new)
                _write_json(path, {"version": 1, "app": app, "targets": merged})
        self._new.clear()


# ---- the healer ------------------------------------------------------------------------------------------------


def _services(backend: Any) -> Any | None:
    services = getattr(backend, "services", None)
    if not callable(services):
        return None
    found = services()
    return found if hasattr(found, "fingerprints") else None


def _source_text(span: Span) -> tuple[str, str]:
    """(absolute path, the text at the span) of the file a span points into; empty when unreadable."""
    path = Path(span.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return str(path), ""
    return str(path.resolve()), text[span.start : span.end]


class WebHealer:
    """The AI family's `TargetHealer` (see the module docstring)."""

    def __init__(self) -> None:
        self.run: RunContext | None = None
        self.store = FingerprintStore(Path.cwd() / ".panoptic" / "heal")
        self.threshold = THRESHOLD
        self._seen: set[tuple[str, str]] = set()

    def start(self, run: RunContext) -> None:
        self.run = run
        self.store = FingerprintStore(Path(run.project_dir) / ".panoptic" / "heal")
        with contextlib.suppress(TypeError, ValueError):
            self.threshold = float(run.options.get("heal_threshold", THRESHOLD))

    def remember(
        self, app: AppDef, target: ResolvedTarget, backend: Any, span: Span, mask: Callable[[str], str] | None = None
    ) -> bool:
        if target.kind not in HEALABLE:
            return False
        key = target_text(target)
        if (app.name, key) in self._seen:
            return True
        try:
            services = _services(backend)
            fp = services.fingerprint(target) if services is not None else None
            if services is None or fp is None:
                return False
            fp = _clean(fp)
            fp["url"] = urlsplit(str(services.url())).path  # the page it was on (the port of `serve:` varies)
            if mask is not None:  # a page may show a secret (a user name, a key): never store it
                fp = {
                    k: mask(v) if isinstance(v, str) else [mask(c) for c in v] if k == "classes" else v
                    for k, v in fp.items()
                }
        except Exception:  # remembering must never fail a step
            return False
        fp["seen"] = round(time.time())
        self.store.put(app.name, key, fp)
        self._seen.add((app.name, key))
        return True

    def heal(self, app: AppDef, target: ResolvedTarget, backend: Any, span: Span) -> HealResult | None:
        if target.kind not in HEALABLE:
            return None
        services = _services(backend)
        if services is None:
            return None
        old = target_text(target)
        if backend.query("query.count", {"target": target}):
            return None  # the target names an element: the step failed for another reason
        stored = self.store.get(app.name, old)
        if stored is None:
            return HealResult(
                old, 0.0, note=f"no fingerprint of `{old}` from an earlier run, where it was found, to heal it from"
            )
        ranked = rank(stored, services.fingerprints())
        if not ranked:
            return HealResult(old, 0.0, note="no candidate element on the page")
        score, best = ranked[0]
        if score < self.threshold:
            return HealResult(
                old,
                score,
                note=f"the best candidate, `{describe_candidate(best)}`, scored {score:.2f}, "
                f"below the threshold {self.threshold:.2f}",
            )
        box = list(_clean(best)["box"])
        for candidate in replacements(target, best):
            if backend.query("query.count", {"target": candidate}) != 1:
                continue
            found = services.fingerprint(candidate)
            if found is None or any(abs(a - b) > 1.0 for a, b in zip(_clean(found)["box"], box, strict=True)):
                continue  # names one element, but not this one
            return HealResult(old, score, target=candidate, new=target_text(candidate))
        return HealResult(
            old,
            score,
            note=f"the best candidate, `{describe_candidate(best)}` (score {score:.2f}), has no target that names "
            "it alone",
        )

    def record(self, app: AppDef, result: HealResult, span: Span, scenario: str) -> None:
        if self.run is None:
            return
        path, source = _source_text(span)
        entry = {
            "app": app.name,
            "scenario": scenario,
            "file": span.file,
            "path": path,
            "line": span.line,
            "col": span.col,
            "start": span.start,
            "end": span.end,
            "source": source,
            "old": result.old,
            "new": result.new,
            "score": round(result.score, 4),
        }
        out = Path(self.run.output_dir)
        try:
            with _locked(out):
                try:
                    healings = read_heal_file(out / HEAL_FILE)
                except ValueError:  # not JSON (a file cut short): it is written anew
                    healings = []
                if entry not in healings:
                    healings.append(entry)
                write_heal_file(out / HEAL_FILE, healings)
        except OSError:
            pass

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.store.save()
