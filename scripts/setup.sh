#!/usr/bin/env bash
# Set up a Debian 12 machine for developing and testing Panoptic. Idempotent: a
# second run only checks and finishes in seconds.
#
#   bash scripts/setup.sh
#
# Steps: Debian packages (apt-get update only when something is missing), the
# Python venv at .venv with `pip install -e ".[dev]"`, the Appium server and its
# Chromium driver from tools/appium/package.json into .tools/appium, and
# `panoptic doctor --fix` (links Debian's ffmpeg where Playwright records video).
# Output of each step goes to .tools/setup.log; a failing step prints its tail.
#
# Environment: PYTHON (interpreter for the venv, default python3, >= 3.11),
# PANOPTIC_SKIP_APT=1 (do not touch system packages), PANOPTIC_SKIP_APPIUM=1,
# PANOPTIC_SKIP_EDITORS=1 (no npm tools for the editor grammar tests),
# PANOPTIC_SKIP_AZURITE=1 (no Azure Blob emulator for the cloud tests).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# --- requirements -----------------------------------------------------------
# Debian packages the product and its tests drive. Add new needs here.
APT_PACKAGES=(
    chromium chromium-driver       # web backend (Playwright launches Debian's Chromium); Appium's Chromium driver
    chromium-headless-shell        # headless web runs launch the lighter shell when it is there
    ffmpeg                         # Playwright video and desktop screen recording
    xvfb xdotool scrot             # desktop backend: virtual display, input, screenshots
    tesseract-ocr                  # OCR of desktop screens
    fonts-dejavu-core              # readable fonts for the example apps and OCR
    vim neovim                     # editors/vim syntax and indent tests; the Neovim LSP snippet of docs/editors.md
    curl                           # scripts/ci-services.sh probes the Appium server
    postgresql                     # enterprise store tests start a throwaway PostgreSQL cluster
)
APPIUM_SPEC="tools/appium"          # our package.json (and lock file, when there is one)
APPIUM_HOME=".tools/appium"         # node_modules land here (git-ignored)
VENV=".venv"

mkdir -p .tools
LOG="$ROOT/.tools/setup.log"
: >"$LOG"

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf 'setup failed: %s\n' "$*" >&2
    if [[ -s "$LOG" ]]; then
        printf -- '--- last lines of %s ---\n' "$LOG" >&2
        tail -n 40 "$LOG" >&2
    fi
    exit 1
}
# Run a command with its output in the log; fail loudly with the log's tail.
quiet() {
    printf '$ %s\n' "$*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 || die "'$*' exited with status $?"
}

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 && SUDO=(sudo) || SUDO=(false)
fi

# --- system packages ----------------------------------------------------------
apt_updated=0
apt_install() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    if [[ "${PANOPTIC_SKIP_APT:-}" == "1" ]]; then
        die "missing Debian packages: ${missing[*]} (PANOPTIC_SKIP_APT=1 is set)"
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get (Debian 12 expected)"
    [[ "${SUDO[*]}" != "false" ]] || die "missing packages ${missing[*]}: run as root or install sudo"
    note "installing: ${missing[*]}"
    if [[ $apt_updated -eq 0 ]]; then
        quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
        apt_updated=1
    fi
    quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

step "system packages"
if command -v dpkg-query >/dev/null 2>&1; then
    apt_install "${APT_PACKAGES[@]}"
    if ! command -v node >/dev/null 2>&1; then
        apt_install nodejs npm
    elif ! command -v npm >/dev/null 2>&1; then
        apt_install npm
    fi
else
    note "not a Debian system: skipping apt (install ${APT_PACKAGES[*]} yourself)"
fi

# --- Python -------------------------------------------------------------------
step "python environment ($VENV)"
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PYTHON is $("$PYTHON" --version 2>&1); Panoptic needs Python 3.11 or newer (set PYTHON=...)"
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv
fi
if ! "$PYTHON" -c 'import tkinter' >/dev/null 2>&1; then
    apt_install python3-tk    # the desktop example app is a Tk app
fi
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    note "creating $VENV with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    quiet "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.panoptic-setup"
want="$(sha256sum <pyproject.toml | cut -d" " -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]] || ! "$VENV/bin/python" -c 'import panoptic, pytest' >/dev/null 2>&1; then
    note "pip install -e .[dev]"
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    # The distribution was called `panoptic` before it became `panoptic-lang`: drop the old editable install.
    if "$VENV/bin/python" -m pip show -q panoptic >/dev/null 2>&1; then
        quiet "$VENV/bin/python" -m pip uninstall -y -q panoptic
    fi
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
    printf '%s\n' "$want" >"$stamp"
else
    note "up to date"
fi

# --- Appium ---------------------------------------------------------------------
step "appium ($APPIUM_HOME)"
if [[ "${PANOPTIC_SKIP_APPIUM:-}" == "1" ]]; then
    note "skipped (PANOPTIC_SKIP_APPIUM=1)"
else
    [[ -f "$APPIUM_SPEC/package.json" ]] || die "$APPIUM_SPEC/package.json is missing"
    mkdir -p "$APPIUM_HOME"
    want="$(cat "$APPIUM_SPEC"/package*.json | sha256sum | cut -d' ' -f1)"
    have="$(cat "$APPIUM_HOME/.panoptic-setup" 2>/dev/null || true)"
    if [[ "$have" != "$want" || ! -e "$APPIUM_HOME/node_modules/.bin/appium" \
          || ! -f "$APPIUM_HOME/node_modules/appium-chromium-driver/package.json" ]]; then
        cp "$APPIUM_SPEC/package.json" "$APPIUM_HOME/package.json"
        if [[ -f "$APPIUM_SPEC/package-lock.json" ]]; then
            cp "$APPIUM_SPEC/package-lock.json" "$APPIUM_HOME/package-lock.json"
            note "npm ci"
            quiet npm ci --prefix "$APPIUM_HOME" --no-audit --no-fund --loglevel=error
        else
            note "npm install"
            quiet npm install --prefix "$APPIUM_HOME" --no-audit --no-fund --loglevel=error
        fi
        printf '%s\n' "$want" >"$APPIUM_HOME/.panoptic-setup"
    else
        note "up to date"
    fi
    quiet node "$APPIUM_HOME/node_modules/.bin/appium" --version
fi

# --- Azurite (the Azure Blob emulator the cloud family's tests run against) -----
AZURITE_SPEC="tools/azurite"
AZURITE_HOME=".tools/azurite"
step "azurite ($AZURITE_HOME)"
if [[ "${PANOPTIC_SKIP_AZURITE:-}" == "1" ]]; then
    note "skipped (PANOPTIC_SKIP_AZURITE=1)"
else
    [[ -f "$AZURITE_SPEC/package.json" ]] || die "$AZURITE_SPEC/package.json is missing"
    mkdir -p "$AZURITE_HOME"
    want="$(cat "$AZURITE_SPEC"/package*.json | sha256sum | cut -d' ' -f1)"
    have="$(cat "$AZURITE_HOME/.panoptic-setup" 2>/dev/null || true)"
    if [[ "$have" != "$want" || ! -e "$AZURITE_HOME/node_modules/.bin/azurite-blob" ]]; then
        cp "$AZURITE_SPEC/package.json" "$AZURITE_HOME/package.json"
        note "npm install"
        quiet npm install --prefix "$AZURITE_HOME" --no-audit --no-fund --loglevel=error
        printf '%s\n' "$want" >"$AZURITE_HOME/.panoptic-setup"
    else
        note "up to date"
    fi
fi

# --- test tools (the SARIF 2.1.0 schema the SARIF output is validated against) -----
TEST_TOOLS_SPEC="tools/test-tools"
TEST_TOOLS_HOME=".tools/test-tools"
step "test tools ($TEST_TOOLS_HOME)"
mkdir -p "$TEST_TOOLS_HOME"
want="$(cat "$TEST_TOOLS_SPEC"/package*.json | sha256sum | cut -d' ' -f1)"
have="$(cat "$TEST_TOOLS_HOME/.panoptic-setup" 2>/dev/null || true)"
if [[ "$have" != "$want" || ! -d "$TEST_TOOLS_HOME/node_modules/@microsoft/jest-sarif" ]]; then
    cp "$TEST_TOOLS_SPEC/package.json" "$TEST_TOOLS_HOME/package.json"
    note "npm install"
    quiet npm install --prefix "$TEST_TOOLS_HOME" --no-audit --no-fund --ignore-scripts --loglevel=error
    printf '%s\n' "$want" >"$TEST_TOOLS_HOME/.panoptic-setup"
else
    note "up to date"
fi

# --- editor tooling (TextMate grammar tests, VS Code packaging) ----------------
EDITOR_HOME="editors/vscode"
step "editor tools ($EDITOR_HOME/node_modules)"
if [[ "${PANOPTIC_SKIP_EDITORS:-}" == "1" ]]; then
    note "skipped (PANOPTIC_SKIP_EDITORS=1)"
else
    want="$(sha256sum "$EDITOR_HOME/package-lock.json" | cut -d' ' -f1)"
    have="$(cat "$EDITOR_HOME/node_modules/.panoptic-setup" 2>/dev/null || true)"
    if [[ "$have" != "$want" ]]; then
        note "npm ci"
        quiet npm ci --prefix "$EDITOR_HOME" --no-audit --no-fund --loglevel=error
        printf '%s\n' "$want" >"$EDITOR_HOME/node_modules/.panoptic-setup"
    else
        note "up to date"
    fi
fi

# --- final check ------------------------------------------------------------------
step "panoptic doctor --fix"
doctor_out="$("$VENV/bin/python" -m panoptic doctor --fix 2>&1)" || {
    printf '%s\n' "$doctor_out" >&2
    die "panoptic doctor found missing web pieces (see above)"
}
printf '%s\n' "$doctor_out" >>"$LOG"
printf '%s\n' "$doctor_out" | grep -E '^(fixed|could not fix):' | sed 's/^/    /' || true
printf '%s\n' "$doctor_out" | grep -E '^\s+MISSING' | sed 's/^ */    optional: /' || true
note "$(printf '%s\n' "$doctor_out" | tail -n 1)"
step "setup done"
