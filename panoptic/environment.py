"""Where the external pieces Panoptic drives live on this machine.

Small, dependency-free lookups shared by `panoptic doctor` and the backends:

* `find_chromium()` picks the browser executable for the web backend,
* `playwright_ffmpeg_path()` / `ensure_ffmpeg_link()` give Playwright's video
  recorder the ffmpeg it expects, using the system's ffmpeg,
* `find_appium()` / `appium_server_ready()` locate the project's Appium
  install and probe a running server.

Nothing here imports Playwright, Appium or any other driver: the Playwright
package is located with `importlib.util.find_spec`, and its `browsers.json`
is read as plain JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

BROWSER_ENV = "PANOPTIC_BROWSER"
"""Environment variable naming the browser executable (a path or a command name)."""

APPIUM_HOME_ENV = "PANOPTIC_APPIUM_HOME"
"""Environment variable naming the folder whose `node_modules` holds Appium."""

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
"""Launch flags that Debian's Chromium needs in containers and CI (no sandbox as root, no calls home)."""

SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Command names tried, in order, for a system Chromium."""

HEADLESS_SHELL_NAMES = ("chromium-headless-shell", "chrome-headless-shell")
"""Command names of Chromium's headless shell, tried before `SYSTEM_CHROMIUM_NAMES` for a headless run.

The shell is Chromium without the browser's window code (what Playwright itself launches for a headless
run): it renders the same pages with less CPU, which is what parallel workers on few cores are short of."""

# Executable paths inside Playwright's browser folders on Linux, newest layout first.
_PLAYWRIGHT_FULL_LAYOUTS = (
    ("chromium", ("chrome-linux64", "chrome")),
    ("chromium", ("chrome-linux", "chrome")),
)
_PLAYWRIGHT_SHELL_LAYOUTS = (
    ("chromium_headless_shell", ("chrome-headless-shell-linux64", "chrome-headless-shell")),
    ("chromium_headless_shell", ("chrome-linux", "headless_shell")),
)


@dataclass(frozen=True)
class Located:
    """An executable that was found, and how (`explicit`, `env PANOPTIC_BROWSER`, `playwright`, `system`)."""

    path: str
    origin: str


# ---------------------------------------------------------------------------
# Playwright's package and browser folders


def playwright_package_dir() -> Path | None:
    """The installed `playwright` Python package folder, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec("playwright")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def playwright_driver_dir() -> Path | None:
    """Playwright's bundled Node driver package (`<site-packages>/playwright/driver/package`)."""
    package = playwright_package_dir()
    if package is None:
        return None
    driver = package / "driver" / "package"
    return driver if driver.is_dir() else None


def playwright_browsers_path() -> Path:
    """The folder where Playwright keeps its browsers and ffmpeg.

    Follows Playwright's own rule: `$PLAYWRIGHT_BROWSERS_PATH` (where "0" means
    inside the driver package), else `$XDG_CACHE_HOME/ms-playwright`, else
    `~/.cache/ms-playwright`.
    """
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":
        driver = playwright_driver_dir()
        if driver is not None:
            return driver / ".local-browsers"
    if configured:
        return Path(configured).expanduser().resolve()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ms-playwright"


def playwright_revision(name: str) -> str | None:
    """The revision Playwright expects for one of its downloads (`chromium`, `ffmpeg` …), from browsers.json."""
    driver = playwright_driver_dir()
    if driver is None:
        return None
    try:
        data = json.loads((driver / "browsers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for entry in data.get("browsers", []):
        if isinstance(entry, dict) and entry.get("name") == name:
            revision = entry.get("revision")
            return str(revision) if revision is not None else None
    return None


def playwright_chromium(*, headless: bool = True) -> str | None:
    """Playwright's own Chromium for the installed Playwright version, if downloaded: for a headless run its
    headless shell first (as Playwright chooses), for a headed one only the full browser."""
    revision = playwright_revision("chromium")
    if revision is None:
        return None
    root = playwright_browsers_path()
    layouts = (_PLAYWRIGHT_SHELL_LAYOUTS + _PLAYWRIGHT_FULL_LAYOUTS) if headless else _PLAYWRIGHT_FULL_LAYOUTS
    revisions = {folder: playwright_revision(folder.replace("_", "-")) or revision for folder, _ in layouts}
    for folder, parts in layouts:
        candidate = root.joinpath(f"{folder}-{revisions[folder]}", *parts)
        if _is_executable(candidate):
            return str(candidate)
    return None


# ---------------------------------------------------------------------------
# Browser


def locate_chromium(explicit: str | None = None, *, headless: bool = True) -> Located | None:
    """Find a Chromium executable and say where it came from.

    Order: `explicit` (a path or a command name), `$PANOPTIC_BROWSER`,
    Playwright's own Chromium, then the system names: for a headless run
    `HEADLESS_SHELL_NAMES` first, then `SYSTEM_CHROMIUM_NAMES` (a headed run
    never gets a headless shell unless it names one). When `explicit` or the
    environment variable is set but does not name an executable, the answer is
    None: a browser that was asked for by name is never silently replaced by
    another one.
    """
    if explicit:
        path = _resolve_executable(explicit)
        return Located(path, "explicit") if path else None
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        path = _resolve_executable(configured)
        return Located(path, f"env {BROWSER_ENV}") if path else None
    own = playwright_chromium(headless=headless)
    if own:
        return Located(own, "playwright")
    names = (HEADLESS_SHELL_NAMES + SYSTEM_CHROMIUM_NAMES) if headless else SYSTEM_CHROMIUM_NAMES
    for name in names:
        path = shutil.which(name)
        if path:
            return Located(path, "system")
    return None


def find_chromium(explicit: str | None = None, *, headless: bool = True) -> str | None:
    """The path of the Chromium executable to launch, or None (see `locate_chromium` for the order)."""
    located = locate_chromium(explicit, headless=headless)
    return located.path if located else None


# ---------------------------------------------------------------------------
# ffmpeg for Playwright's video recording


def playwright_ffmpeg_path() -> Path | None:
    """Where Playwright looks for ffmpeg (`<browsers path>/ffmpeg-<rev>/ffmpeg-linux`), or None without Playwright."""
    revision = playwright_revision("ffmpeg")
    if revision is None:
        return None
    return playwright_browsers_path() / f"ffmpeg-{revision}" / "ffmpeg-linux"


def system_ffmpeg() -> str | None:
    """The system's ffmpeg executable, if any."""
    return shutil.which("ffmpeg")


def ffmpeg_ready() -> bool:
    """True when Playwright's ffmpeg path holds a working executable (a file or a valid link)."""
    path = playwright_ffmpeg_path()
    return path is not None and _is_executable(path)


def ensure_ffmpeg_link(ffmpeg: str | None = None) -> tuple[bool, str]:
    """Make Playwright's ffmpeg path point at the system ffmpeg (or `ffmpeg`), creating folders as needed.

    Returns `(ok, message)`. An existing working executable is left alone; a
    dangling link is replaced. Never raises for an expected problem (no
    Playwright, no ffmpeg, a read-only folder): it reports it in the message.
    """
    target = playwright_ffmpeg_path()
    if target is None:
        return False, "playwright is not installed, so there is no ffmpeg location to fill"
    if _is_executable(target):
        return True, f"{target} is present"
    source = ffmpeg or system_ffmpeg()
    if not source:
        return False, "no ffmpeg on PATH; install it with: apt-get install -y ffmpeg"
    source_path = Path(source)
    if not _is_executable(source_path):
        return False, f"{source} is not an executable file"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        target.symlink_to(source_path.resolve())
    except OSError as exc:
        return False, f"could not link {target} to {source_path}: {exc.strerror or exc}"
    return True, f"linked {target} -> {source_path.resolve()}"


# ---------------------------------------------------------------------------
# Appium


def project_root() -> Path:
    """The source checkout that holds this package (where `.tools/` lives in a development install)."""
    return Path(__file__).resolve().parent.parent


def appium_home_candidates() -> list[Path]:
    """Folders that may hold `node_modules/appium`, in the order they are tried."""
    candidates: list[Path] = []
    configured = os.environ.get(APPIUM_HOME_ENV)
    if configured:
        candidates.append(Path(configured).expanduser())
    candidates.append(Path.cwd() / ".tools" / "appium")
    candidates.append(project_root() / ".tools" / "appium")
    unique: list[Path] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def find_appium_home() -> Path | None:
    """The first folder from `appium_home_candidates()` whose `node_modules` holds Appium, or None."""
    for home in appium_home_candidates():
        if (home / "node_modules" / ".bin" / "appium").exists() and (home / "node_modules" / "appium").is_dir():
            return home.resolve()
    return None


def find_appium() -> Path | None:
    """Appium's command-line script in the project's install (the target of `node_modules/.bin/appium`), or None.

    Start a server with `node <path> server --address 127.0.0.1 --port 4723`.
    """
    home = find_appium_home()
    return (home / "node_modules" / ".bin" / "appium").resolve() if home else None


def npm_package_version(home: Path, package: str) -> str | None:
    """The version of an npm package installed under `home/node_modules`, or None."""
    try:
        data = json.loads((home / "node_modules" / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if version else None


def appium_driver_installed(home: Path, package: str = "appium-chromium-driver") -> bool:
    """True when `package` is installed next to Appium in `home`."""
    return (home / "node_modules" / package / "package.json").is_file()


def appium_server_ready(url: str = "http://127.0.0.1:4723", timeout: float = 1.0) -> bool:
    """True when an Appium server answers `GET <url>/status` with a ready status."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/status", timeout=timeout) as response:
            body = json.loads(response.read().decode("utf-8", "replace") or "{}")
    except (OSError, ValueError, urllib.error.URLError):
        return False
    value = body.get("value") if isinstance(body, dict) else None
    return isinstance(value, dict) and value.get("ready", True) is not False


# ---------------------------------------------------------------------------
# helpers


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _resolve_executable(name: str) -> str | None:
    expanded = Path(name).expanduser()
    if os.sep in name or expanded.is_absolute():
        return str(expanded) if _is_executable(expanded) else None
    return shutil.which(name)


# ---------------------------------------------------------------------------
# What a run's report shows about the components it drove


def _first_line(command: list[str], timeout: float = 5.0) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else None


_VERSIONS: dict[str, Future[str | None]] = {}  # executable -> the first line of its `--version`
_VERSIONS_LOCK = threading.Lock()


def _version_of(path: str) -> Future[str | None]:
    """The `path --version` probe of this process, started in a background thread on first use; an executable
    already asked in an earlier run, and not replaced since, answers from the cache folder."""
    with _VERSIONS_LOCK:
        pending = _VERSIONS.get(path)
        if pending is None:
            pending = _VERSIONS[path] = Future()
            answer = pending
            known = _remembered_version(path)
            if known is not None:
                answer.set_result(known)
                return answer

            def probe() -> None:
                try:
                    version = _first_line([path, "--version"])
                    answer.set_result(version)
                except BaseException:  # never leave a reader waiting
                    answer.set_result(None)
                    return
                if version:
                    _remember_version(path, version)

            threading.Thread(target=probe, name="panoptic-browser-version", daemon=True).start()
    return pending


_VERSIONS_FILE = "executable-versions.json"


def _identity(path: str) -> str | None:
    """What changes when an executable is replaced: the path, size and modification time of the file and of the
    file a symbolic link leads to (a package update replaces every file it installs, wrapper scripts such as
    Debian's `/usr/bin/chromium` included)."""
    try:
        parts = []
        for candidate in dict.fromkeys((path, os.path.realpath(path))):
            st = os.stat(candidate)
            parts.append(f"{candidate}:{st.st_size}:{st.st_mtime_ns}")
        return "|".join(parts)
    except OSError:
        return None


def _versions_path() -> Path | None:
    from panoptic.cachedir import cache_dir

    folder = cache_dir()
    return folder / _VERSIONS_FILE if folder is not None else None


def _known_versions(file: Path) -> dict[str, str]:
    try:
        known = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in known.items() if isinstance(v, str)} if isinstance(known, dict) else {}


def _remembered_version(path: str) -> str | None:
    file, identity = _versions_path(), _identity(path)
    if file is None or identity is None:
        return None
    return _known_versions(file).get(identity)


def _remember_version(path: str, version: str) -> None:
    """Keep a version for later runs; a cache that cannot be written only means asking again next time."""
    file, identity = _versions_path(), _identity(path)
    if file is None or identity is None:
        return
    try:
        known = {k: v for k, v in _known_versions(file).items() if not k.startswith(f"{path}:")}
        known[identity] = version
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, file)
    except OSError:
        pass


def is_headless_shell(path: str) -> bool:
    """Whether an executable is Chromium's headless shell (by the names Debian and Playwright give it)."""
    name = Path(path).name
    return "headless" in name and "shell" in name


def prefetch_browser_version(explicit: str | None = None, *, headless: bool = True) -> None:
    """Start asking the Chromium a run would launch for its version (a `--version` process, 0.1–0.3 s) in the
    background, so that `web_environment` finds the answer ready; nothing happens when there is no Chromium."""
    path = find_chromium(explicit, headless=headless)
    if path is not None:
        _version_of(path)


def web_environment(settings_list: list[dict]) -> dict[str, str]:
    """The browser each web app will launch, with its version (`chromium --version`, asked once per process)."""
    found: dict[str, str] = {}
    for settings in settings_list:
        if str(settings.get("browser") or "chromium") != "chromium":
            found.setdefault("browser", str(settings["browser"]))
            continue
        explicit = str(settings["browser_path"]) if settings.get("browser_path") else None
        path = find_chromium(explicit, headless=settings.get("headless", True) is not False)
        if path is not None:
            version = _version_of(path).result() or path
            found.setdefault("browser", f"{version} (headless shell)" if is_headless_shell(path) else version)
    return found


def mobile_environment(settings_list: list[dict]) -> dict[str, str]:
    """The Appium server each mobile app talks to, with its build version from `/status`."""
    import urllib.request

    found: dict[str, str] = {}
    for settings in settings_list:
        server = str(settings.get("server") or "http://127.0.0.1:4723")
        if server == "local":
            found.setdefault("appium", "started by the run (server: local)")
            continue
        try:
            with urllib.request.urlopen(server.rstrip("/") + "/status", timeout=2) as response:
                body = json.loads(response.read().decode("utf-8", "replace") or "{}")
            version = body.get("value", {}).get("build", {}).get("version")
        except (OSError, ValueError, AttributeError):
            version = None
        found.setdefault("appium", f"{server} (Appium {version})" if version else server)
    return found
