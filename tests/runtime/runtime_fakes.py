"""An in-memory backend for interpreter unit tests (never a stand-in for the real backends' tests).

An app whose `url` is `fake://NAME` gets the page `PAGES[NAME]`: a title, a URL
and elements keyed by CSS selector. Elements have text, a value, visibility,
enabled/checked state and `on_click` effects:

    ("set", key, field, value)          change an element at once
    ("later", polls, key, field, value) change it after `polls` more queries (for polling tests)
    ("navigate", url)                   change the page URL
    ("crash",)                          the session dies (BackendCrashed)
    ("interrupt",)                      Ctrl-C arrives (KeyboardInterrupt)
    ("flaky", times)                    fail the first `times` clicks of this backend instance
    ("sleep", seconds)                  take that long
    ("die",)                            the whole process exits at once (a killed worker)
    ("whereami",)                       append "PID PARENT-PID" to the file $PANOPTIC_FAKE_WHEREAMI

Every call is recorded in `self.calls` and in the class-wide `JOURNAL`.
"""

from __future__ import annotations

import copy
import difflib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from panoptic.backends.web.spec import WEB
from panoptic.contract import ResolvedTarget, ScenarioContext
from panoptic.contract.errors import ActionFailed, BackendCrashed, InfrastructureError, TargetNotFound

JOURNAL: list[tuple] = []


@dataclass
class El:
    text: str = ""
    visible: bool = True
    enabled: bool = True
    checked: bool | None = None
    value: str | None = None
    role: str | None = None
    label: str | None = None
    on_click: list[tuple] = field(default_factory=list)
    classes: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)


def _shop() -> dict[str, Any]:
    return {
        "title": "Fake Shop",
        "url": "http://fake.test/",
        "elements": {
            "#add": El("Add to cart", role="button", on_click=[("later", 3, "#count", "text", "1")]),
            "#add-now": El("Add now", role="button", on_click=[("set", "#count", "text", "1")]),
            "#count": El("0"),
            "#banner": El("Sale!", visible=False),
            "#close": El("Close", role="button"),
            "#pw": El("", value="", label="Password"),
            "#user": El("", value="", label="User"),
            "#terms": El("", checked=False),
            "#go": El("Go", role="button", on_click=[("navigate", "http://fake.test/cart?x=1")]),
            "#crash": El("Crash", on_click=[("crash",)]),
            "#interrupt": El("Stop", on_click=[("interrupt",)]),
            "#flaky": El("Flaky", on_click=[("flaky", 1)]),
            "#flaky2": El("Flaky twice", on_click=[("flaky", 2)]),
            "#slow": El("Slow", on_click=[("sleep", 0.3)]),
            "#die": El("Die", on_click=[("die",)]),
            "#whereami": El("Where", on_click=[("whereami",)]),
            "#disabled": El("Off", enabled=False),
            "#left": El("3 items left", classes=("count", "big"), attributes={"data-n": "3"}),
            "#spaced": El("  buy    some   milk  "),
            ".item": El("Item"),
        },
    }


PAGES = {"shop": _shop, "banner": lambda: _with(_shop(), "#banner", visible=True)}


def _with(page: dict[str, Any], key: str, **changes: Any) -> dict[str, Any]:
    for name, value in changes.items():
        setattr(page["elements"][key], name, value)
    return page


class FakeBackend:
    """Implements the Backend protocol against the page model above."""

    spec = WEB

    def __init__(self, app: Any, *, headed: bool = False) -> None:
        self.app = app
        self.headed = headed
        self.calls: list[tuple] = []
        self.page: dict[str, Any] = {}
        self.ctx: ScenarioContext | None = None
        self.pending: list[list[Any]] = []
        self.clicks: dict[str, int] = {}
        self.alive = False

    def _log(self, *entry: Any) -> None:
        self.calls.append(entry)
        JOURNAL.append((self.app.name, *entry))

    def start(self) -> None:
        self._log("start")
        url = str(self.app.settings.get("url", ""))
        if url == "fake://nobrowser":
            raise InfrastructureError("no Chromium found", help="install it: apt-get install chromium")
        self.alive = True

    def begin(self, ctx: ScenarioContext) -> None:
        self._log("begin", ctx.scenario_id, ctx.record_video, tuple(ctx.secrets))
        if not self.alive:
            raise BackendCrashed("begin() on a stopped backend")
        name = str(self.app.settings.get("url", "fake://shop")).removeprefix("fake://")
        self.page = copy.deepcopy(PAGES[name]())
        self.pending = []
        self.ctx = ctx

    def _find(self, target: ResolvedTarget) -> tuple[str, El] | None:
        for key, el in self.page["elements"].items():
            if target.kind == "css" and key == target.value:
                return key, el
            if target.kind == "text" and target.value and target.value in el.text:
                return key, el
            if target.kind == "role" and el.role == target.role and (target.value is None or target.value in el.text):
                return key, el
            if target.kind == "label" and el.label == target.value:
                return key, el
        return None

    def _need(self, target: ResolvedTarget) -> tuple[str, El]:
        found = self._find(target)
        if found is None or not found[1].visible:
            raise TargetNotFound(f"{target.describe()} not found", candidates=self.suggest(target))
        return found

    def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
        self._log("perform", capability, _plain(args), timeout)
        if not self.alive:
            raise BackendCrashed("the browser is gone")
        if capability == "navigate":
            self.page["url"] = "http://fake.test" + str(args["url"])
            return None
        if capability == "screenshot":
            assert self.ctx is not None
            path, art = self.ctx.artifact("screenshot", f"{args['name']}.png", args["name"])
            path.write_bytes(b"\x89PNG fake")
            return art
        if capability == "record_video":
            return None
        if capability in ("frame.enter", "frame.exit"):
            return None
        if capability == "storage.set":
            self.page.setdefault("storage", {})[(args["area"], args["key"])] = str(args["value"])
            return None
        if capability == "cookie.set":
            self.page.setdefault("cookies", {})[args["name"]] = str(args["value"])
            return None
        key, el = self._need(args["target"])
        if capability == "click":
            for effect in el.on_click:
                self._effect(key, effect)
        elif capability == "fill":
            if el.value is None:
                raise ActionFailed(f"cannot fill {key} with {args['text']!r}: not an input")
            el.value = str(args["text"])
        elif capability in ("check", "uncheck"):
            el.checked = capability == "check"
        return None

    def _effect(self, key: str, effect: tuple) -> None:
        kind = effect[0]
        if kind == "set":
            setattr(self.page["elements"][effect[1]], effect[2], effect[3])
        elif kind == "later":
            self.pending.append([effect[1], effect[2], effect[3], effect[4]])
        elif kind == "navigate":
            self.page["url"] = effect[1]
        elif kind == "crash":
            self.alive = False
            raise BackendCrashed("the browser process exited", help="it was killed or ran out of memory")
        elif kind == "interrupt":
            raise KeyboardInterrupt
        elif kind == "flaky":
            self.clicks[key] = self.clicks.get(key, 0) + 1
            if self.clicks[key] <= effect[1]:
                raise TargetNotFound(f"{key} was not ready (click {self.clicks[key]})")
        elif kind == "sleep":
            time.sleep(effect[1])
        elif kind == "die":
            os._exit(17)
        elif kind == "whereami":
            with open(os.environ["PANOPTIC_FAKE_WHEREAMI"], "a") as note:
                note.write(f"{os.getpid()} {os.getppid()}\n")

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        self._log("query", capability, _plain(args))
        if not self.alive:
            raise BackendCrashed("the browser is gone")
        for item in list(self.pending):
            item[0] -= 1
            if item[0] < 0:
                setattr(self.page["elements"][item[1]], item[2], item[3])
                self.pending.remove(item)
        if capability == "query.url":
            return self.page["url"]
        if capability == "query.title":
            return self.page["title"]
        if capability == "query.storage":
            return self.page.get("storage", {}).get((args["area"], args["key"]))
        if capability == "query.cookie":
            return self.page.get("cookies", {}).get(args["name"])
        found = self._find(args["target"])
        if capability == "query.count":
            return 0 if found is None else sum(1 for k in self.page["elements"] if k == found[0])
        if found is None:
            return False if capability == "query.visible" else None
        el = found[1]
        if capability == "query.text" and not args.get("raw"):
            return " ".join(el.text.split())  # like innerText: rendered whitespace collapses
        if capability == "query.attribute":
            return el.attributes.get(str(args["attribute"]), False)
        if capability == "query.classes":
            return list(el.classes)
        return {
            "query.visible": el.visible,
            "query.text": el.text,
            "query.value": el.value,
            "query.enabled": el.enabled,
            "query.checked": el.checked,
        }[capability]

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        wanted = target.value or ""
        names = list(self.page.get("elements", {}))
        texts = [f'text "{el.text}"' for el in self.page.get("elements", {}).values() if el.text]
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
        close += [t for t in texts if wanted and difflib.SequenceMatcher(None, wanted, t[6:-1]).ratio() > 0.6]
        return tuple(dict.fromkeys(close))[:3]

    def capture_failure(self, ctx: ScenarioContext) -> None:
        self._log("capture_failure", ctx.scenario_id)
        path, _ = ctx.artifact("html", "page.html")
        path.write_text("<html>" + "".join(f"<p>{el.text}</p>" for el in self.page["elements"].values()) + "</html>")

    def end(self, ctx: ScenarioContext, failed: bool) -> None:
        self._log("end", ctx.scenario_id, failed)
        self.ctx = None

    def stop(self) -> None:
        self._log("stop")
        self.alive = False


def _plain(args: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.describe() if isinstance(v, ResolvedTarget) else v) for k, v in args.items()}
