"""`panoptic doctor`: check the pieces Panoptic drives, and say how to fix each missing one.

Every check looks at the real thing on this machine (a file, an executable
that answers `--version`, a server that answers `/status`); nothing is assumed.
The web pieces are required; desktop and mobile pieces are reported but only
needed by scenarios on those platforms.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

from panoptic import environment

APPIUM_URL = "http://127.0.0.1:4723"
MIN_PYTHON = (3, 11)


@dataclass(frozen=True)
class Check:
    """The outcome of one check: `fix` is the exact command that repairs it when `ok` is false."""

    area: str  # "core", "web", "desktop" or "mobile"
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    """All checks of one doctor run, with the repairs that `--fix` made."""

    checks: tuple[Check, ...]
    repairs: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every required check passed."""
        return all(check.ok for check in self.checks if check.required)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


# ---------------------------------------------------------------------------
# individual checks


def check_python() -> Check:
    version = sys.version_info
    text = f"{version.major}.{version.minor}.{version.micro} ({sys.executable})"
    ok = (version.major, version.minor) >= MIN_PYTHON
    return Check("core", "python", ok, text, "" if ok else "install Python 3.11 or newer", required=True)


def check_playwright_package() -> Check:
    package = environment.playwright_package_dir()
    if package is None:
        return Check("web", "playwright package", False, "not importable", f"{_pip()} install playwright", True)
    return Check("web", "playwright package", True, f"{_dist_version('playwright')} at {package}", required=True)


def check_playwright_driver() -> Check:
    driver = environment.playwright_driver_dir()
    if driver is None:
        return Check(
            "web",
            "playwright driver",
            False,
            "driver/package not found in the playwright package",
            f"{_pip()} install --force-reinstall playwright",
            True,
        )
    node = driver.parent / "node"
    if not node.is_file():
        return Check(
            "web",
            "playwright driver",
            False,
            f"{node} is missing",
            f"{_pip()} install --force-reinstall playwright",
            True,
        )
    version = _run_version([str(node), "--version"])
    if version is None:
        return Check(
            "web",
            "playwright driver",
            False,
            f"{node} does not run",
            f"{_pip()} install --force-reinstall playwright",
            True,
        )
    return Check("web", "playwright driver", True, f"node {version} at {driver.parent}", required=True)


def check_chromium() -> Check:
    located = environment.locate_chromium()
    fix = "apt-get install -y chromium chromium-headless-shell   (or set PANOPTIC_BROWSER to a Chromium executable)"
    if located is None:
        import os

        configured = os.environ.get(environment.BROWSER_ENV)
        detail = (
            f"{environment.BROWSER_ENV}={configured} is not an executable"
            if configured
            else "no Playwright Chromium and none of " + ", ".join(environment.SYSTEM_CHROMIUM_NAMES)
        )
        return Check("web", "chromium", False, detail, fix, True)
    version = _run_version([located.path, "--version"], timeout=20)
    if version is None:
        return Check("web", "chromium", False, f"{located.path} ({located.origin}) does not run", fix, True)
    detail = f"{version} at {located.path} ({located.origin})"
    headed = environment.locate_chromium(headless=False)
    if headed is not None and headed.path != located.path:
        detail += f"; --headed runs launch {headed.path}"
    return Check("web", "chromium", True, detail, required=True)


def check_ffmpeg() -> Check:
    target = environment.playwright_ffmpeg_path()
    if target is None:
        return Check(
            "web", "ffmpeg for video", False, "playwright is not installed", f"{_pip()} install playwright", True
        )
    if environment.ffmpeg_ready():
        resolved = target.resolve()
        via = f" -> {resolved}" if resolved != target else ""
        return Check("web", "ffmpeg for video", True, f"{target}{via}", required=True)
    system = environment.system_ffmpeg()
    if system is None:
        return Check(
            "web",
            "ffmpeg for video",
            False,
            f"{target} is missing and there is no system ffmpeg",
            "apt-get install -y ffmpeg && panoptic doctor --fix",
            True,
        )
    return Check(
        "web",
        "ffmpeg for video",
        False,
        f"{target} is missing",
        f"panoptic doctor --fix   (or: mkdir -p {target.parent} && ln -sf {system} {target})",
        True,
    )


def check_executable(area: str, name: str, command: str, package: str, version_args: tuple[str, ...] = ()) -> Check:
    """An executable on PATH; with `version_args`, it must also answer them."""
    path = shutil.which(command)
    fix = f"apt-get install -y {package}"
    if path is None:
        return Check(area, name, False, f"{command} not found on PATH", fix)
    if version_args:
        version = _run_version([path, *version_args])
        if version is None:
            return Check(area, name, False, f"{path} does not run", fix)
        return Check(area, name, True, f"{version} at {path}")
    return Check(area, name, True, path)


def check_python_module(area: str, name: str, module: str, requirement: str) -> Check:
    """A Python module importable by this interpreter (located, not imported)."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return Check(area, name, False, f"module {module} not importable", f"{_pip()} install {requirement}")
    return Check(area, name, True, f"{requirement} {_dist_version(requirement)}")


def check_appium_install() -> Check:
    home = environment.find_appium_home()
    fix = "bash scripts/setup.sh   (installs tools/appium/package.json into .tools/appium)"
    if home is None:
        places = ", ".join(str(p) for p in environment.appium_home_candidates())
        return Check("mobile", "appium", False, f"no node_modules/appium under {places}", fix)
    detail = f"appium {environment.npm_package_version(home, 'appium') or '?'} in {home}"
    driver = environment.npm_package_version(home, "appium-chromium-driver")
    if driver is None:
        return Check("mobile", "appium", False, detail + "; appium-chromium-driver is missing", fix)
    return Check("mobile", "appium", True, f"{detail} with appium-chromium-driver {driver}")


def check_appium_server(url: str = APPIUM_URL) -> Check:
    if environment.appium_server_ready(url):
        return Check("mobile", "appium server", True, f"answers at {url}/status")
    return Check("mobile", "appium server", False, f"nothing answers at {url}/status", "scripts/ci-services.sh start")


def check_parser() -> Check:
    """Whether parsing runs on the lean loop over the saved tables (else Lark's own, slower loop: same results)."""
    from panoptic.syntax.parser import lean_status

    status = lean_status()
    if status is None:
        return Check("core", "parser", True, "lean LALR loop over the grammar's saved tables (Lark for syntax errors)")
    return Check("core", "parser", False, status, f"{_pip()} install 'lark>=1.2.2,<1.4'")


def check_plugins() -> Check:
    """Every installed statement family, platform and reporter loads (a broken one is named, never skipped)."""
    from panoptic.contract.family import families
    from panoptic.contract.platform import platforms
    from panoptic.contract.plugins import problems
    from panoptic.report.reporters import available

    found = families()
    platforms()
    available()
    broken = problems()
    if broken:
        return Check(
            "core", "plugins", False, "; ".join(p.describe() for p in broken), "fix or uninstall those packages"
        )
    return Check("core", "plugins", True, "families: " + ", ".join(f.name for f in found))


CHECKS: tuple[Callable[[], Check], ...] = (
    check_python,
    check_parser,
    check_plugins,
    check_playwright_package,
    check_playwright_driver,
    check_chromium,
    check_ffmpeg,
    lambda: check_executable("desktop", "xvfb", "Xvfb", "xvfb"),
    lambda: check_executable("desktop", "xdotool", "xdotool", "xdotool", ("--version",)),
    lambda: check_executable("desktop", "tesseract", "tesseract", "tesseract-ocr", ("--version",)),
    lambda: check_python_module("desktop", "pyautogui", "pyautogui", "pyautogui"),
    lambda: check_python_module("desktop", "opencv", "cv2", "opencv-python-headless"),
    lambda: check_python_module("desktop", "pytesseract", "pytesseract", "pytesseract"),
    lambda: check_executable("mobile", "node", "node", "nodejs", ("--version",)),
    lambda: check_executable("mobile", "npm", "npm", "npm", ("--version",)),
    lambda: check_executable("mobile", "chromedriver", "chromedriver", "chromium-driver", ("--version",)),
    lambda: check_python_module("mobile", "appium client", "appium", "Appium-Python-Client"),
    check_appium_install,
    check_appium_server,
    lambda: check_python_module("cloud", "boto3 (S3)", "boto3", "boto3"),
    lambda: check_python_module("cloud", "google-cloud-storage", "google.cloud.storage", "google-cloud-storage"),
    lambda: check_python_module("cloud", "azure-storage-blob", "azure.storage.blob", "azure-storage-blob"),
    lambda: check_python_module("cloud", "dask (distributed runs)", "distributed", "distributed"),
    lambda: check_python_module("enterprise", "sqlalchemy", "sqlalchemy", "sqlalchemy"),
    lambda: check_python_module("enterprise", "argon2-cffi", "argon2", "argon2-cffi"),
)


def diagnose(fix: bool = False) -> Report:
    """Run every check; with `fix`, first repair what can be repaired in place (the ffmpeg link)."""
    repairs: list[str] = []
    if fix and environment.playwright_ffmpeg_path() is not None and not environment.ffmpeg_ready():
        ok, message = environment.ensure_ffmpeg_link()
        repairs.append(("fixed: " if ok else "could not fix: ") + message)
    return Report(tuple(check() for check in CHECKS), tuple(repairs))


def render(report: Report) -> str:
    """Plain text, one line per check (`OK` / `MISSING`), the fix command under each missing piece."""
    lines: list[str] = list(report.repairs)
    area = None
    for check in report.checks:
        if check.area != area:
            area = check.area
            suffix = "" if area in ("core", "web") else " (needed only by scenarios that use it)"
            lines.append(f"{area}{suffix}:")
        status = "OK     " if check.ok else "MISSING"
        lines.append(f"  {status} {check.name:<20} {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"          fix: {check.fix}")
    missing = [c.name for c in report.checks if c.required and not c.ok]
    lines.append("ready: every web piece is present" if report.ok else "not ready: missing " + ", ".join(missing))
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# helpers


def _pip() -> str:
    return f"{sys.executable} -m pip"


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(version unknown)"


def _run_version(argv: list[str], timeout: float = 10) -> str | None:
    """The first line an executable prints for its version flag, or None when it does not run."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0].strip() if text else "(no version printed)"
