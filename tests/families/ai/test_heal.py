"""Self-healing targets: ranking, the check, `panoptic heal --apply`, and whole runs on real Chromium."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from xml.etree import ElementTree as ET

from panoptic.contract import ResolvedTarget
from panoptic.families.ai.heal import THRESHOLD, rank, replacements, target_text
from panoptic.families.ai.heal_apply import plan, read_healings
from tests.report.helpers import embedded_payload

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Profile</title></head><body>
<h1>Profile</h1>
<form onsubmit="return false">
<label for="name">Name</label> <input id="name" name="name">
<button type="button" id="cancel-btn" class="btn">Cancel</button>
<button type="button" id="SAVE" class="btn primary"
  onclick="document.querySelector('p').textContent = 'saved ' + document.getElementById('name').value">Save</button>
</form>
<p id="status"></p>
</body></html>
"""

SUITE = """app site: web {
    serve: "site"
    timeout: 1s
    heal: on
}

scenario "save the profile" on site {
    open "/"
    fill "#name" with "Ada"
    click "#save-btn"
    expect "#status" has text "saved Ada"
}
"""


def _fp(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "tag": "button",
        "id": "save-btn",
        "testid": "",
        "name": "",
        "type": "button",
        "role": "button",
        "label": "Save",
        "text": "Save",
        "placeholder": "",
        "href": "",
        "classes": ["btn", "primary"],
        "parent": "form",
        "prev": "Cancel",
        "next": "",
        "path": "form>button",
        "box": [310.0, 80.0, 48.0, 21.0],
    }
    base.update(fields)
    return base


def _noise(n: int) -> list[dict[str, object]]:
    return [
        _fp(
            tag="div" if i % 3 else "span",
            id=f"row-{i}",
            role="",
            label="",
            text=f"item {i}",
            type="",
            classes=["row"],
            parent="ul.list",
            prev=f"item {i - 1}",
            next=f"item {i + 1}",
            path="main>ul>li>div",
            box=[10.0, 200.0 + 20 * i, 400.0, 18.0],
        )
        for i in range(n)
    ]


# ---- ranking and targets (no browser) ---------------------------------------------------------------------


def test_a_renamed_id_ranks_first_above_the_threshold() -> None:
    stored = _fp()
    renamed = _fp(id="save-button")
    cancel = _fp(
        id="cancel-btn",
        label="Cancel",
        text="Cancel",
        classes=["btn"],
        prev="Name",
        next="Save",
        box=[250.0, 80.0, 56.0, 21.0],
    )
    ranked = rank(stored, [*_noise(300), cancel, renamed])
    assert ranked[0][1] is renamed and ranked[0][0] >= 0.9
    assert ranked[1][1] is cancel and ranked[1][0] < THRESHOLD  # a sibling with other words is not the element


def test_nothing_similar_stays_below_the_threshold() -> None:
    ranked = rank(_fp(), _noise(500))
    assert ranked and ranked[0][0] < THRESHOLD


def test_targets_as_text_and_replacements_keep_the_written_kind_first() -> None:
    assert target_text(ResolvedTarget("css", "#a")) == '"#a"'
    assert target_text(ResolvedTarget("role", 'Say "hi"', role="button")) == 'role button "Say \\"hi\\""'
    assert target_text(ResolvedTarget("text", "OK", exact=True)) == 'text exact "OK"'
    cand = _fp(id="save-button", testid="save")
    kinds = [target_text(t) for t in replacements(ResolvedTarget("css", "#save-btn"), cand)]
    assert kinds[:3] == ['"#save-button"', 'testid "save"', 'role button "Save"']
    kinds = [target_text(t) for t in replacements(ResolvedTarget("role", "Store", role="button"), cand)]
    assert kinds[0] == 'role button "Save"'


def test_apply_replaces_at_the_recorded_span_and_formats(tmp_path: Path) -> None:
    pan = tmp_path / "t.pan"
    pan.write_text(SUITE, encoding="utf-8")
    start = SUITE.index('"#save-btn"')
    entry = {
        "file": "t.pan",
        "path": str(pan),
        "line": 10,
        "col": 11,
        "start": start,
        "end": start + len('"#save-btn"'),
        "source": '"#save-btn"',
        "old": '"#save-btn"',
        "new": 'testid "save"',
        "score": 0.9,
    }
    (tmp_path / "heal.json").write_text(json.dumps({"healings": [entry, entry]}), encoding="utf-8")
    [change] = plan(read_healings(tmp_path), tmp_path)
    assert change.error is None and len(change.applied) == 1
    assert 'click testid "save"' in change.after and "#save-btn" not in change.after
    assert '-    click "#save-btn"' in change.diff()
    pan.write_text(SUITE.replace("click", "click  "), encoding="utf-8")  # edited since the run: skipped
    [change] = plan(read_healings(tmp_path), tmp_path)
    assert not change.applied and change.skipped


def test_heal_on_a_desktop_app_is_pan405(tmp_path: Path) -> None:
    from panoptic.compiler import compile_paths

    (tmp_path / "d.pan").write_text(
        'app calc: desktop {\n    command: "xcalc"\n    heal: on\n}\n\nscenario "s" on calc {\n    click text "OK"\n}\n',
        encoding="utf-8",
    )
    result = compile_paths([str(tmp_path / "d.pan")])
    codes = [d.code for d in result.diagnostics]
    assert codes == ["PAN405"], [d.message for d in result.diagnostics]
    assert result.diagnostics[0].span is not None and result.diagnostics[0].span.line == 3
    assert "web" in (result.diagnostics[0].help or "")


# ---- whole runs on Chromium --------------------------------------------------------------------------------


def _project(tmp_path: Path, suite: str = SUITE, page: str = PAGE) -> Path:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "site" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "t.pan").write_text(suite, encoding="utf-8")
    return tmp_path


def _steps(out: Path) -> list[list]:
    with gzip.open(out / "results.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [row for row in map(json.loads, fh) if isinstance(row, list) and row[0] == "f"]


def _healed_rows(out: Path) -> list[str]:
    return [row[5]["healed"] for row in _steps(out) if len(row) > 5 and "healed" in row[5]]


def test_a_renamed_id_heals_is_reported_and_apply_fixes_the_file(cli, tmp_path: Path, chromium) -> None:
    _project(tmp_path, page=PAGE.replace('id="SAVE"', 'id="save-btn"'))
    first = cli("run", "t.pan", "-o", "out1")
    assert first.returncode == 0, first.stdout + first.stderr
    store = json.loads((tmp_path / ".panoptic" / "heal" / "site.json").read_text())
    fp = store["targets"]['"#save-btn"']
    assert fp["tag"] == "button" and fp["label"] == "Save" and fp["prev"] == "Cancel" and fp["box"][2] > 0
    assert not (tmp_path / "out1" / "heal.json").exists() and not _healed_rows(tmp_path / "out1")

    (tmp_path / "site" / "index.html").write_text(PAGE.replace('id="SAVE"', 'id="save-button"'), encoding="utf-8")
    second = cli("run", "t.pan", "-o", "out2")
    assert second.returncode == 0, second.stdout + second.stderr
    assert 'healed: `"#save-btn"` → `"#save-button"` (score' in second.stdout
    assert "panoptic heal --apply" in second.stdout
    [healed] = _healed_rows(tmp_path / "out2")
    assert healed.startswith('`"#save-btn"` → `"#save-button"`')
    junit = ET.parse(tmp_path / "out2" / "junit.xml").getroot()
    [prop] = [p for p in junit.iter("property") if p.get("name") == "healed"]
    assert "t.pan:10:5" in (prop.get("value") or "") and "#save-button" in (prop.get("value") or "")
    html = (tmp_path / "out2" / "report.html").read_text(encoding="utf-8")
    payload = json.dumps(embedded_payload(html), ensure_ascii=False)
    assert '"h": "`\\"#save-btn\\"` → `\\"#save-button\\"` (score' in payload  # the step's healed mark
    assert 'el("span", "healed", "healed")' in html  # … which the page shows on the step's row
    assert embedded_payload(html)["sc"][0][-1]["hd"] == 1  # and the scenario's row counts its healed steps
    [entry] = json.loads((tmp_path / "out2" / "heal.json").read_text())["healings"]
    assert (entry["file"], entry["line"], entry["col"]) == ("t.pan", 10, 11)
    assert (entry["old"], entry["new"]) == ('"#save-btn"', '"#save-button"') and entry["score"] >= THRESHOLD

    dry = cli("heal", "--dry-run", "out2")
    assert dry.returncode == 0 and '+    click "#save-button"' in dry.stdout, dry.stdout + dry.stderr
    assert "#save-btn" in (tmp_path / "t.pan").read_text()
    applied = cli("heal", "--apply", "out2")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    text = (tmp_path / "t.pan").read_text()
    assert 'click "#save-button"' in text and "save-btn" not in text
    assert cli("fmt", "--check", "t.pan").returncode == 0

    third = cli("run", "t.pan", "-o", "out3")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "healed" not in third.stdout and not _healed_rows(tmp_path / "out3")
    assert not (tmp_path / "out3" / "heal.json").exists()


def test_healing_off_fails_as_before_and_a_poor_match_keeps_pan902(cli, tmp_path: Path, chromium) -> None:
    suite = SUITE.replace("    heal: on\n", "")
    _project(tmp_path, suite=suite, page=PAGE.replace('id="SAVE"', 'id="save-btn"'))
    assert cli("run", "t.pan", "-o", "out1", "--heal").returncode == 0  # `--heal` stores fingerprints too
    assert '"#save-btn"' in json.loads((tmp_path / ".panoptic" / "heal" / "site.json").read_text())["targets"]

    (tmp_path / "site" / "index.html").write_text(PAGE.replace('id="SAVE"', 'id="save-button"'), encoding="utf-8")
    off = cli("run", "t.pan", "-o", "out2")
    assert off.returncode == 1 and "PAN902" in off.stdout and "healed" not in off.stdout, off.stdout
    (tmp_path / "t.pan").write_text(suite.replace("timeout: 1s", "timeout: 1s\n    heal: off"), encoding="utf-8")
    explicit_off = cli("run", "t.pan", "-o", "out3", "--heal")
    assert explicit_off.returncode == 1 and "not healed" not in explicit_off.stdout

    gone = (
        PAGE.replace('id="SAVE"', 'id="x"')
        .replace(">Save</button>", ">Zzz</button>")
        .replace('class="btn primary"', "")
    )
    gone = gone.replace('<button type="button" id="x"', '<aside><span id="x"').replace(
        ">Zzz</button>", ">Zzz</span></aside>"
    )
    (tmp_path / "site" / "index.html").write_text(gone, encoding="utf-8")
    (tmp_path / "t.pan").write_text(suite, encoding="utf-8")
    poor = cli("run", "t.pan", "-o", "out4", "--heal")
    assert poor.returncode == 1, poor.stdout
    assert (
        "PAN902" in poor.stdout
        and "not healed: the best candidate" in poor.stdout
        and "below the threshold" in poor.stdout
    )
    assert not (tmp_path / "out4" / "heal.json").exists()


def test_an_expectation_on_a_renamed_element_heals(cli, tmp_path: Path, chromium) -> None:
    suite = SUITE.replace('click "#save-btn"', 'click role button "Save"').replace('"#status"', '"#status-line"')
    _project(tmp_path, suite=suite, page=PAGE.replace('id="status"', 'id="status-line"'))
    assert cli("run", "t.pan", "-o", "out1").returncode == 0
    (tmp_path / "site" / "index.html").write_text(PAGE.replace('id="status"', 'id="status-text"'), encoding="utf-8")
    healed = cli("run", "t.pan", "-o", "out2")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    [row] = _healed_rows(tmp_path / "out2")
    assert row.startswith('`"#status-line"` → `"#status-text"`')


class _FakeServices:
    """A page of fingerprints, as `PageServices` gives them, for the healer without a browser."""

    def __init__(self, elements: list[dict[str, object]]) -> None:
        self.elements = elements

    def url(self) -> str:
        return "http://127.0.0.1:9/profile?tab=1"

    def _named(self, target: ResolvedTarget) -> list[dict[str, object]]:
        if target.kind == "css" and (target.value or "").startswith("#"):
            return [e for e in self.elements if e["id"] == (target.value or "")[1:]]
        if target.kind == "role":
            return [e for e in self.elements if e["role"] == target.role and e["label"] == target.value]
        return []

    def fingerprint(self, target: ResolvedTarget) -> dict[str, object] | None:
        found = self._named(target)
        return found[0] if len(found) == 1 else None

    def fingerprints(self) -> list[dict[str, object]]:
        return self.elements


class _FakeBackend:
    def __init__(self, services: _FakeServices) -> None:
        self._services = services

    def services(self) -> _FakeServices:
        return self._services

    def query(self, capability: str, args: dict[str, object]) -> int:
        assert capability == "query.count"
        target = args["target"]
        assert isinstance(target, ResolvedTarget)
        return len(self._services._named(target))


def test_the_healer_remembers_masked_fingerprints_and_heals_from_them(tmp_path: Path) -> None:
    from panoptic.contract.app import AppDef
    from panoptic.contract.family import RunContext
    from panoptic.families.ai.heal import WebHealer
    from panoptic.source import Span

    span = Span("t.pan", 0, 11, 10, 11, 10, 22)
    app = AppDef("site", "web", {}, span)
    old = ResolvedTarget("css", "#save-btn")
    page = _FakeServices([_fp(label="Save for s3cret", text="Save for s3cret"), *_noise(50)])
    healer = WebHealer()
    healer.start(RunContext(output_dir=tmp_path / "out", project_dir=tmp_path))
    assert healer.remember(app, old, _FakeBackend(page), span, mask=lambda s: s.replace("s3cret", "***"))
    healer.stop()
    stored = (tmp_path / ".panoptic" / "heal" / "site.json").read_text()
    assert "s3cret" not in stored and "Save for ***" in stored and '"url": "/profile"' in stored

    later = WebHealer()  # the next run reads the store
    later.start(RunContext(output_dir=tmp_path / "out", project_dir=tmp_path))
    renamed = _FakeServices([_fp(id="save-button", label="Save for ***", text="Save for ***"), *_noise(50)])
    result = later.heal(app, old, _FakeBackend(renamed), span)
    assert result is not None and result.healed and result.new == '"#save-button"' and result.score > 0.9
    assert later.heal(app, ResolvedTarget("css", "#save-button"), _FakeBackend(renamed), span) is None  # found
    missing = later.heal(app, ResolvedTarget("css", "#never-seen"), _FakeBackend(renamed), span)
    assert missing is not None and not missing.healed and "no fingerprint" in missing.note


def test_a_wait_until_on_a_renamed_element_heals(cli, tmp_path: Path, chromium) -> None:
    suite = SUITE.replace(
        '    click "#save-btn"\n', '    wait until "#save-btn" visible within 1s\n    click role button "Save"\n'
    )
    _project(tmp_path, suite=suite, page=PAGE.replace('id="SAVE"', 'id="save-btn"'))
    assert cli("run", "t.pan", "-o", "out1").returncode == 0
    (tmp_path / "site" / "index.html").write_text(PAGE.replace('id="SAVE"', 'id="save-button"'), encoding="utf-8")
    healed = cli("run", "t.pan", "-o", "out2")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    [row] = _healed_rows(tmp_path / "out2")
    assert row.startswith('`"#save-btn"` → `"#save-button"`')
    [entry] = json.loads((tmp_path / "out2" / "heal.json").read_text())["healings"]
    assert entry["line"] == 10 and entry["old"] == '"#save-btn"'
