"""Web capabilities of the deeper language: focus and blur, element details, storage and cookies.

`WebBackend.perform` and `WebBackend.query` look here for the capabilities
they do not handle themselves. Each function takes the live backend, the
step's arguments and its timeout, and reports problems as StepErrors.

Storage and cookies belong to the scenario's browser context, which is new
for every scenario attempt: each scenario starts with empty local storage,
session storage and cookies. `save storage state "NAME"` writes the context's
cookies and local storage (Playwright's storage state) to
`<output>/state/NAME.json`; `restore storage state "NAME"` adds them to the current
context, so a later scenario of the same run starts signed in.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from panoptic.backends.web.locate import POSITION_KINDS, build_locator
from panoptic.backends.web.services import deliver_events
from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, StepTimeout

WebBackend: TypeAlias = Any  # the live `backend.WebBackend` (not imported: it imports this module)

_STORAGE_GET_JS = "([kind, key]) => window[kind].getItem(key)"
_STORAGE_SET_JS = "([kind, key, value]) => window[kind].setItem(key, value)"
_STORAGE_REMOVE_JS = "([kind, key]) => window[kind].removeItem(key)"
_STORAGE_CLEAR_JS = "(kind) => window[kind].clear()"
_AREAS = {"local": "localStorage", "session": "sessionStorage"}
_RESTORE_JS = """
(origins) => {
  const mine = origins.find((o) => o.origin === location.origin);
  if (!mine) return;
  for (const {name, value} of mine.localStorage) {
    if (localStorage.getItem(name) === null) localStorage.setItem(name, value);
  }
}
"""


def _element(web: WebBackend, target: ResolvedTarget, what: str) -> Any:
    if target.kind in POSITION_KINDS:
        raise ActionFailed(
            f"{what} needs an element target, not {target.describe()}",
            help="use a css, text, role, label, placeholder, testid, xpath, id or focused target",
        )
    return build_locator(web._require_page(), target)


# ---- actions -------------------------------------------------------------------


def focus(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    target: ResolvedTarget = args["target"]
    locator = _element(web, target, "focus")
    web._run("focus", target, timeout, lambda: locator.focus(timeout=timeout * 1000))


def blur(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    target: ResolvedTarget = args["target"]
    locator = _element(web, target, "blur")
    web._run("blur", target, timeout, lambda: locator.blur(timeout=timeout * 1000))


def _area(args: dict[str, Any]) -> str:
    area = _AREAS.get(str(args.get("area") or "local"))
    if area is None:
        raise ActionFailed(f"unknown storage {args.get('area')!r}", help="write `local storage` or `session storage`")
    return area


def _storage_call(web: WebBackend, what: str, timeout: float, script: str, arg: Any) -> Any:
    page = web._require_page()
    if page.url in ("about:blank", "") or not page.url.startswith(("http:", "https:", "file:")):
        raise ActionFailed(
            f"cannot {what}: no page is open",
            help="storage belongs to a site: `open` a page of it first",
        )
    return web._run(what, None, timeout, lambda: page.evaluate(script, arg))


def set_storage(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    area = _area(args)
    key, value = str(args["key"]), str(args["value"])
    _storage_call(web, f"set {area} item", timeout, _STORAGE_SET_JS, [area, key, value])


def remove_storage(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    area = _area(args)
    _storage_call(web, f"remove {area} item", timeout, _STORAGE_REMOVE_JS, [area, str(args["key"])])


def clear_storage(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    area = _area(args)
    _storage_call(web, f"clear {area}", timeout, _STORAGE_CLEAR_JS, area)


def _cookie_url(web: WebBackend) -> str:
    page = web._require_page()
    url = page.url if str(page.url).startswith(("http:", "https:")) else web.base_url
    if not url:
        raise ActionFailed("cannot set a cookie: no page is open and the app has no `url:` or `serve:`")
    return str(url)


def set_cookie(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    cookie = {"name": str(args["name"]), "value": str(args["value"]), "url": _cookie_url(web)}
    context = web._context
    web._run("set a cookie", None, timeout, lambda: context.add_cookies([cookie]))


def clear_cookies(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    context = web._context
    web._run("clear the cookies", None, timeout, context.clear_cookies)


def _state_file(web: WebBackend, name: str) -> Path:
    from panoptic.backends.web.secrets import safe_filename

    ctx = web._require_ctx()
    # artifacts_dir is <output>/artifacts/<scenario folder>: the state lives beside the artifacts, for the whole run.
    folder = Path(ctx.artifacts_dir).parent.parent / "state"
    return folder / (safe_filename(name, web._secrets()) + ".json")


def save_state(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    name = str(args["name"])
    path = _state_file(web, name)
    context = web._context
    state = web._run("save the storage state", None, timeout, context.storage_state)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(path)
    cookies, origins = len(state.get("cookies", ())), len(state.get("origins", ()))
    return f"saved {cookies} cookie(s) and the local storage of {origins} origin(s)"


def restore_state(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    name = str(args["name"])
    path = _state_file(web, name)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ActionFailed(
            f"no storage state named {web._scrub(name)!r} was saved in this run",
            help=f'a scenario that runs earlier must `save storage state "{web._scrub(name)}"` (run it first, or in setup)',
        ) from None
    except (OSError, ValueError) as exc:
        raise ActionFailed(f"the saved storage state {web._scrub(name)!r} cannot be read: {exc}") from None
    context = web._context
    cookies = [c for c in state.get("cookies", ()) if isinstance(c, dict)]
    origins = [o for o in state.get("origins", ()) if isinstance(o, dict)]
    if cookies:
        web._run("restore the cookies", None, timeout, lambda: context.add_cookies(cookies))
    if origins:
        script = f"({_RESTORE_JS})({json.dumps(origins)})"
        web._run("restore the local storage", None, timeout, lambda: context.add_init_script(script))
        page = web._require_page()
        if str(page.url).startswith(("http:", "https:")):
            web._run("restore the local storage", None, timeout, lambda: page.evaluate(_RESTORE_JS, origins))
    return f"restored {len(cookies)} cookie(s) and the local storage of {len(origins)} origin(s)"


# ---- dialogs, responses and tabs (recorded per browser context by `track_page`) ---------------------------------


class _Recorder:
    """What the pages of one scenario's browser context showed: dialogs and responses, and the dialog policy."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.dialogs: list[tuple[str, str]] = []  # (type, message)
        self.accept = False
        self.prompt_text: str | None = None
        self.responses: list[tuple[str, int]] = []  # (url, status)
        self.responses_seen = 0  # responses before this index were matched by an earlier `wait for response`
        self.routes: list[str] = []
        self.response: dict[str, Any] | None = None  # the answer to the last `request`
        self.downloads: list[Any] = []  # Playwright Download objects, saved when first asked about
        self.saved: dict[int, tuple[str, str]] = {}  # index -> (file name, path in the artifacts folder)


def _recorder(web: WebBackend) -> _Recorder:
    context = web._context
    found = getattr(web, "_panoptic_recorder", None)
    if found is None or found.context is not context:
        found = _Recorder(context)
        web._panoptic_recorder = found
    return found


def track_page(web: WebBackend, page: Any) -> None:
    """Record the page's dialogs (answered by the scenario's policy, dismissed by default) and responses."""

    def on_dialog(dialog: Any) -> None:
        rec = _recorder(web)
        rec.dialogs.append((str(dialog.type), str(dialog.message)))
        try:
            if rec.accept:
                if rec.prompt_text is not None and dialog.type == "prompt":
                    dialog.accept(rec.prompt_text)
                else:
                    dialog.accept()
            else:
                dialog.dismiss()
        except Exception:
            pass  # the page went away with its dialog

    def on_response(response: Any) -> None:
        try:
            _recorder(web).responses.append((str(response.url), int(response.status)))
        except Exception:
            pass

    def on_download(download: Any) -> None:
        _recorder(web).downloads.append(download)

    page.on("dialog", on_dialog)
    page.on("response", on_response)
    page.on("download", on_download)


def dialogs(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    rec = _recorder(web)
    rec.accept = str(args.get("answer")) == "accept"
    rec.prompt_text = str(args["text"]) if args.get("text") is not None else None
    return f"dialogs from now on are {'accepted' if rec.accept else 'dismissed'}"


def _glob(pattern: str) -> Any:
    """Playwright's URL glob (`**/api/*`) as a regular expression; a pattern without `*` matches a URL containing it."""
    import re

    if "*" not in pattern and "?" not in pattern:
        return re.compile(re.escape(pattern))
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append(".")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def _route_pattern(web: WebBackend, pattern: str) -> str:
    if pattern.startswith("/") and web.base_url:  # a path of the app's site
        from urllib.parse import urljoin

        return urljoin(web.base_url, pattern)
    return pattern


def mock(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    pattern = _route_pattern(web, str(args["url"]))
    status = int(args.get("status") or 200)
    body: str | None = None
    content_type = "application/json"
    if args.get("file") is not None:
        path = Path(str(args["file"]))
        try:
            body = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ActionFailed(f"cannot read {path.name}: {exc.strerror or exc}") from None
        if path.suffix.lower() != ".json":
            content_type = "text/plain" if path.suffix.lower() not in (".html", ".htm") else "text/html"
    elif args.get("json") is not None:
        body = args["json"] if isinstance(args["json"], str) else json.dumps(args["json"])
    delay = float(args.get("delay") or 0)

    def handler(route: Any) -> None:
        if delay:
            import time

            time.sleep(min(delay, 60.0))
        if body is None:
            route.fulfill(status=status, body="")
        else:
            route.fulfill(status=status, body=body, content_type=content_type)

    context = web._context
    web._run("mock requests", None, timeout, lambda: context.route(_glob(pattern), handler))
    _recorder(web).routes.append(pattern)
    return f"requests to {web._scrub(pattern)} answered with status {status}"


def block(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    pattern = _route_pattern(web, str(args["url"]))
    context = web._context
    web._run("block requests", None, timeout, lambda: context.route(_glob(pattern), lambda route: route.abort()))
    return f"requests to {web._scrub(pattern)} are blocked"


def wait_response(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    """Wait for a response to a matching URL that no earlier `wait for response` took (it may have come already)."""
    import time

    pattern = _route_pattern(web, str(args["url"]))
    regex = _glob(pattern)
    wanted = args.get("status")
    rec = _recorder(web)
    page = web._require_page()
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        for k in range(rec.responses_seen, len(rec.responses)):
            url, status = rec.responses[k]
            if regex.search(url) and (wanted is None or int(wanted) == status):
                rec.responses_seen = k + 1
                return f"{web._scrub(url)} answered {status}"
        if time.monotonic() >= deadline:
            seen = [f"{web._scrub(u)} ({s})" for u, s in rec.responses[rec.responses_seen :] if regex.search(u)]
            raise StepTimeout(
                f"no response from {web._scrub(pattern)}"
                + (f" with status {int(wanted)}" if wanted is not None else "")
                + f" within {timeout:g}s",
                expected=f"a response from {web._scrub(pattern)}",
                actual=", ".join(seen[-3:]) or "no matching response",
                help="start the request first (click, open …); a response that came earlier counts too",
            )
        with contextlib.suppress(Exception):
            page.wait_for_timeout(50)  # lets Playwright deliver events while waiting


def api_request(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    """An HTTP call through the browser context's request API: it sends and keeps the context's cookies."""
    method = str(args.get("method") or "GET").upper()
    url = str(args["url"])
    if not url.startswith(("http:", "https:")):
        url = web._resolve_url(url)
    options: dict[str, Any] = {"method": method, "timeout": timeout * 1000, "fail_on_status_code": False}
    headers = args.get("headers")
    if headers is not None:
        if not isinstance(headers, dict):
            raise ActionFailed('`with headers` needs a map, e.g. `let headers = {Authorization: "Bearer …"}`')
        options["headers"] = {str(k): str(v) for k, v in headers.items()}
    if args.get("body") is not None:
        options["data"] = args["body"] if isinstance(args["body"], str) else json.dumps(args["body"])
        options.setdefault("headers", {}).setdefault("Content-Type", "application/json")
    context = web._context
    response = web._run(f"{method} {web._scrub(url)}", None, timeout, lambda: context.request.fetch(url, **options))
    text = web._run("read the response", None, timeout, response.text)
    try:
        parsed: Any = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = None
    _recorder(web).response = {
        "status": int(response.status),
        "headers": {str(k).lower(): str(v) for k, v in dict(response.headers).items()},
        "text": text,
        "json": parsed,
        "url": url,
    }
    with contextlib.suppress(Exception):
        response.dispose()
    return f"{method} {web._scrub(url)} answered {int(response.status)}"


def upload(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    target: ResolvedTarget = args["target"]
    path = Path(str(args["file"]))
    if not path.is_file():
        raise ActionFailed(f"cannot upload {path.name}: the file does not exist", help=f"looked for {path}")
    locator = _element(web, target, "upload to")
    web._run("upload to", target, timeout, lambda: locator.set_input_files(str(path), timeout=timeout * 1000))
    return f"uploaded {path.name}"


def _saved_downloads(web: WebBackend) -> list[tuple[str, str]]:
    """(file name, saved path) of every download so far; each is saved into the scenario's artifacts once."""
    from panoptic.backends.web.secrets import unique_path

    rec = _recorder(web)
    ctx = web._require_ctx()
    for k, download in enumerate(rec.downloads):
        if k in rec.saved:
            continue
        name = str(download.suggested_filename or f"download-{k + 1}")
        stem, dot, suffix = name.rpartition(".")
        path = unique_path(Path(ctx.artifacts_dir), stem if dot else name, f".{suffix}" if dot else "")
        try:
            download.save_as(str(path))
        except Exception:
            continue  # still downloading: asked again at the next poll
        ctx.artifact("download", path.name, web._scrub(name))
        rec.saved[k] = (name, str(path))
    return [rec.saved[k] for k in sorted(rec.saved)]


class _FrameScope:
    """The page as the statements inside `in frame … { }` see it: elements are found in the frame, the rest
    (URL, screenshots, keyboard, mouse) is the page's."""

    _FINDERS = frozenset(
        {
            "locator",
            "get_by_text",
            "get_by_role",
            "get_by_label",
            "get_by_placeholder",
            "get_by_test_id",
            "get_by_alt_text",
            "get_by_title",
            "frame_locator",
        }
    )

    def __init__(self, page: Any, frame: Any, outer: Any) -> None:
        self._page, self._frame, self.outer = page, frame, outer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._frame if name in self._FINDERS else self._page, name)

    def __eq__(self, other: object) -> bool:  # the backend compares pages (its list of tabs)
        return other is self or other is self._page

    def __hash__(self) -> int:
        return hash(self._page)


def enter_frame(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    target: ResolvedTarget = args["target"]
    locator = _element(web, target, "enter the frame")
    ms = timeout * 1000
    web._run("find the frame", target, timeout, lambda: locator.wait_for(state="attached", timeout=ms))
    tag = web._run("find the frame", target, timeout, lambda: locator.evaluate("e => e.tagName", timeout=ms))
    if str(tag).upper() not in ("IFRAME", "FRAME"):
        raise ActionFailed(
            f"{web._scrub(target.describe())} is a <{str(tag).lower()}>, not a frame",
            help="target the <iframe> element itself",
        )
    current = web._page
    page = current._page if isinstance(current, _FrameScope) else current
    web._page = _FrameScope(page, locator.content_frame, current)
    return f"in {web._scrub(target.describe())}"


def exit_frame(web: WebBackend, args: dict[str, Any], timeout: float) -> None:
    if isinstance(web._page, _FrameScope):
        web._page = web._page.outer


def pause(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    """Playwright's inspector when someone can use it; never blocks a headless or CI run."""
    import os

    if os.environ.get("CI"):
        return "pause ignored: running in CI"
    if not web.headed:
        return "pause ignored: the browser is headless (run with --headed to open the inspector)"
    page = web._require_page()
    web._run("pause", None, timeout, page.pause)
    return "resumed from the inspector"


# ---- visual baselines ---------------------------------------------------------------------------------------------

PIXEL_TOLERANCE = 0.1  # a pixel differs when a channel differs by more than this share of its range (anti-aliasing)
DIFF_SHARE = 0.001  # the screenshot matches when at most this share of its pixels differ
UPDATE_ENV = "PANOPTIC_UPDATE_SNAPSHOTS"


def _compare(actual: bytes, baseline: Path) -> tuple[float, Any]:
    """(share of pixels that differ, a diff image or None); 1.0 when the sizes differ."""
    import io

    try:
        from PIL import Image, ImageChops
    except ImportError:
        from panoptic.contract.errors import InfrastructureError

        raise InfrastructureError(
            "comparing screenshots needs Pillow, which is not installed", help="install it with: pip install pillow"
        ) from None
    now = Image.open(io.BytesIO(actual)).convert("RGB")
    then = Image.open(baseline).convert("RGB")
    if now.size != then.size:
        return 1.0, None
    diff = ImageChops.difference(now, then)
    cut = int(255 * PIXEL_TOLERANCE)
    mask = diff.convert("L").point(lambda v: 255 if v > cut else 0)
    changed = mask.histogram()[255]
    share = changed / (now.size[0] * now.size[1])
    marked = now.copy()
    marked.paste((255, 0, 255), mask=mask)  # the changed pixels in magenta over the new screenshot
    return share, marked


def visual(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    import os
    import time

    from panoptic.backends.web.secrets import unique_path
    from panoptic.contract.errors import AssertionFailed

    page = web._require_page()
    baseline = Path(str(args["baseline"]))
    target: ResolvedTarget | None = args.get("target")
    masks = [_element(web, args["mask"], "mask")] if args.get("mask") is not None else []
    masks += web._secret_masks(page)
    shot_timeout = max(timeout, 5.0)  # `within` bounds the retries; one shot may take its time
    options = {"animations": "disabled", "caret": "hide", "mask": masks, "timeout": shot_timeout * 1000}
    shooter = _element(web, target, "screenshot") if target is not None else page

    def shoot() -> bytes:
        return web._run("take a screenshot", target, shot_timeout, lambda: shooter.screenshot(**options))

    if not baseline.is_file() or os.environ.get(UPDATE_ENV) == "1":
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(shoot())
        return f"baseline written: {baseline.name} (review it, and commit it with the suite)"
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        png = shoot()
        share, marked = _compare(png, baseline)
        if share <= DIFF_SHARE or time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    if share <= DIFF_SHARE:
        return f"matches {baseline.name} ({share:.3%} of pixels differ)"
    ctx = web._require_ctx()
    stem = baseline.stem
    actual_path = unique_path(Path(ctx.artifacts_dir), f"{stem}-actual", ".png")
    actual_path.write_bytes(png)
    ctx.artifact("screenshot", actual_path.name, f"{stem}: actual")
    if marked is not None:
        diff_path = unique_path(Path(ctx.artifacts_dir), f"{stem}-diff", ".png")
        marked.save(diff_path)
        ctx.artifact("screenshot", diff_path.name, f"{stem}: difference")
    actual = "a different size" if marked is None else f"{share:.2%} of pixels differ"
    raise AssertionFailed(
        f"the screenshot does not match the baseline {baseline.name}: {actual}",
        expected=f"at most {DIFF_SHARE:.1%} of pixels different from {baseline.name}",
        actual=actual,
        help=f"look at {stem}-diff.png in the report; if the change is right, run again with "
        "`panoptic run --update-snapshots` to write new baselines, then review and commit them",
    )


def _open_tabs(web: WebBackend) -> list[Any]:
    """The open tabs, oldest first, including pop-ups opened since the last call into Playwright.

    The sync API delivers a new tab's "page" event only during a call into Playwright, so one is made first:
    without it, polling `expect tabs count 2` after a click that opens a pop-up could never see the tab.
    """
    with contextlib.suppress(Exception):
        deliver_events(web._require_page())
    return [p for p in web._pages if not _closed(p)]


def switch_tab(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    pages = _open_tabs(web)
    which = args.get("number")
    if which is None:  # the newest tab
        index = len(pages)
    else:
        index = int(which)
    if not 1 <= index <= len(pages):
        raise ActionFailed(
            f"there is no tab {index}: {len(pages)} tab(s) are open",
            help="tabs count from 1 in the order they opened; `switch to new tab` takes the newest",
        )
    page = pages[index - 1]
    with contextlib.suppress(Exception):
        page.wait_for_load_state("domcontentloaded", timeout=timeout * 1000)
        page.bring_to_front()
    web._page = page
    return f"tab {index} of {len(pages)}: {web._scrub(str(page.url))}"


def close_tab(web: WebBackend, args: dict[str, Any], timeout: float) -> str:
    pages = _open_tabs(web)
    if len(pages) < 2:
        raise ActionFailed("cannot close the only tab", help="`switch to tab N` first, or end the scenario")
    current = web._require_page()
    web._run("close the tab", None, timeout, current.close)
    left = [p for p in pages if p is not current]
    web._page = left[-1]
    return f"{len(left)} tab(s) left"


def _closed(page: Any) -> bool:
    try:
        return bool(page.is_closed())
    except Exception:
        return True


ACTIONS: dict[str, Callable[[WebBackend, dict[str, Any], float], Any]] = {
    "dialogs": dialogs,
    "mock": mock,
    "block": block,
    "wait_response": wait_response,
    "switch_tab": switch_tab,
    "api.request": api_request,
    "upload": upload,
    "frame.enter": enter_frame,
    "frame.exit": exit_frame,
    "pause": pause,
    "visual": visual,
    "close_tab": close_tab,
    "focus": focus,
    "blur": blur,
    "storage.set": set_storage,
    "storage.remove": remove_storage,
    "storage.clear": clear_storage,
    "cookie.set": set_cookie,
    "cookie.clear": clear_cookies,
    "state.save": save_state,
    "state.restore": restore_state,
}


# ---- queries (answer at once, never wait) --------------------------------------------


def page_query(web: WebBackend, capability: str, args: dict[str, Any]) -> tuple[bool, Any]:
    """(answered, value) for the page-wide queries of this module: storage items and cookies."""
    if capability == "query.storage":
        area = _area(args)
        page = web._require_page()
        if not str(page.url).startswith(("http:", "https:", "file:")):
            return True, None
        return True, web._run(f"read {area}", None, 0, lambda: page.evaluate(_STORAGE_GET_JS, [area, str(args["key"])]))
    if capability in ("query.dialog", "query.downloads", "query.response") and web._page is not None:
        deliver_events(web._page)  # dialogs, downloads and responses arrive as events
    if capability == "query.dialog":
        messages = [m for _kind, m in _recorder(web).dialogs]
        return True, messages
    if capability == "query.downloads":
        found = []
        for name, path in _saved_downloads(web):
            try:
                content = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                content = None
            found.append({"name": name, "content": content})
        return True, found
    if capability == "query.response":
        return True, _recorder(web).response
    if capability == "query.tabs":
        return True, len(_open_tabs(web))
    if capability == "query.cookie":
        name = str(args["name"])
        cookies = web._run("read the cookies", None, 0, web._context.cookies)
        found = [c for c in cookies if c.get("name") == name]
        return True, (str(found[0].get("value", "")) if found else None)
    return False, None
