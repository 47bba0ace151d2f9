"""`panoptic init [URL] [--dir DIR]`: a new project that passes `panoptic run` at once.

Without a URL the project tests a small page of its own (`site/`, served by the
app's `serve:` setting), so the first run needs no network; with a URL the app
points there. Either way it writes:

    <name>.pan                      the app and one smoke scenario (built as a tree, printed by the formatter)
    site/index.html                 (without a URL) the page under test
    .gitignore                      results folders
    .vscode/settings.json           .pan files as Panoptic, the `panoptic` that runs the language server
    .vscode/extensions.json
    .github/workflows/panoptic.yml  a CI example: install, doctor --fix, check, run, keep the report
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

SITE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hello from Panoptic</title></head>
<body>
  <h1>Hello from Panoptic</h1>
  <label for="name">Your name</label> <input id="name">
  <button id="greet" onclick="document.getElementById('out').textContent = 'Hello, ' +
    document.getElementById('name').value + '!'">Greet</button>
  <p id="out"></p>
</body>
</html>
"""

GITIGNORE = "panoptic-results/\n.panoptic/\n"

WORKFLOW = """name: panoptic
on: [push, pull_request]
jobs:
  ui-tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install panoptic-lang
      - run: panoptic doctor --fix
      - run: panoptic check --format github .
      - run: panoptic run . --output panoptic-results/ci
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: panoptic-report
          path: panoptic-results/ci
"""


def scaffold(folder: Path, url: str | None = None, *, name: str | None = None, force: bool = False) -> list[Path]:
    """Write the project files into `folder`; returns them. Raises FileExistsError rather than overwrite."""
    from panoptic.convert.build import Builder, snake_name
    from panoptic.fmt import format_tree

    app = snake_name(name or (_host(url) if url else "site"), "site")
    pan = folder / f"{app}.pan"
    files: dict[Path, str] = {
        folder / ".gitignore": GITIGNORE,
        folder / ".vscode" / "settings.json": json.dumps(
            {"files.associations": {"*.pan": "panoptic"}, "panoptic.executablePath": "panoptic"}, indent=2
        )
        + "\n",
        folder / ".vscode" / "extensions.json": json.dumps({"recommendations": ["panoptic.panoptic"]}, indent=2) + "\n",
        folder / ".github" / "workflows" / "panoptic.yml": WORKFLOW,
    }
    b = Builder(str(pan))
    b.comment("The app under test and a first smoke scenario; `panoptic run .` runs it.")
    if url:
        settings = [b.setting("url", b.string(url))]
    else:
        settings = [b.setting("serve", b.string("site"))]
        files[folder / "site" / "index.html"] = SITE
    decl = b.app(app, "web", [*settings, b.setting("timeout", b.duration(10))])
    start = b.scenario_start()
    body = [b.statement(["open", b.string("/")])]
    if url:
        body.append(b.statement(["expect", b.string("body"), "visible"]))
    else:
        body += [
            b.statement(["expect title is", b.string("Hello from Panoptic")]),
            b.statement(["fill label", b.string("Your name"), "with", b.string("Ada")]),
            b.statement(["click role button", b.string("Greet")]),
            b.statement(["expect", b.string("#out"), "has text", b.string("Hello, Ada!")]),
        ]
    body.append(b.statement(["screenshot", b.string("home")]))
    scenario = b.scenario(start, "home page loads", app, ("smoke",), body)
    files[pan] = format_tree(b.module([decl, scenario]))
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url if "://" in url else f"https://{url}").hostname or "site"
    return re.sub(r"^www\.", "", host).split(".")[0]


def register(app: typer.Typer) -> None:
    import typer

    @app.command()
    def init(
        url: str | None = typer.Argument(None, help="the site to test (default: a small page of the project's own)"),
        folder: Path = typer.Option(Path("."), "--dir", "-d", help="the project folder (created if missing)"),
        name: str | None = typer.Option(None, "--name", help="the app's name (default: from the URL)"),
        force: bool = typer.Option(False, "--force", help="overwrite files that exist"),
    ) -> None:
        """Create a project (a .pan file with a passing smoke scenario, editor settings, a CI example)."""
        if url is not None and not re.match(r"^https?://", url):
            sys.stderr.write(f"error[PAN004]: the URL must start with http:// or https://, not {url!r}\n")
            raise typer.Exit(2)
        try:
            written = scaffold(folder, url, name=name, force=force)
        except FileExistsError as exc:
            sys.stderr.write(f"error[PAN004]: these files exist already: {exc} (use --force to overwrite)\n")
            raise typer.Exit(2) from None
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(f"next: panoptic run {folder}")
