"""A validated YAML config turned into a `.pan` syntax tree: apps, secrets and one scenario per app.

Each action type becomes the statement of the same meaning (`navigate` ->
`open`, `fill` -> `fill … with …`, `user_create` -> `user create …`). Statements
of a family that is not installed are left out with a PAN015 warning, and so is
every key with no meaning in Panoptic; `password` values become `secret`s with
an `env()` default (PAN016). Every node carries the YAML place it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.convert.build import Builder, snake_name
from panoptic.convert.schema import Action, App, Config
from panoptic.convert.yamlnodes import YList, YMap, YNode, YScalar
from panoptic.diagnostics import Diagnostic, Severity, diagnostic
from panoptic.source import Span
from panoptic.syntax import ast

# IR actions each action type needs (a family's statement); absent ones make the action a PAN015 warning.
NEEDS: dict[str, tuple[str, str]] = {
    "vision_report": ("ai.vision_report", "vision report"),
    "smart_error_detection": ("ai.no_errors", "expect no errors"),
    "ai_enhanced_testing": ("ai.instruct", "ai"),
    "cloud_sync": ("cloud.sync", "cloud sync to"),
    "cloud_analytics": ("cloud.analytics", "cloud analytics"),
    "cloud_cleanup": ("cloud.cleanup", "cloud cleanup"),
    "enterprise_status": ("enterprise.status", "enterprise status"),
    "user_create": ("enterprise.user_create", "user create"),
    "user_authenticate": ("enterprise.user_authenticate", "user authenticate"),
    "project_create": ("enterprise.project_create", "project create"),
    "team_create": ("enterprise.team_create", "team create"),
    "api_key_create": ("enterprise.key_create", "api key create"),
    "audit_report": ("enterprise.audit_report", "audit report"),
    "compliance_check": ("enterprise.compliance_check", "compliance check"),
    "license_info": ("enterprise.license_info", "license info"),
    "backup_data": ("enterprise.backup", "backup data"),
    "cleanup_data": ("enterprise.cleanup", "cleanup data"),
}
# Action types with no statement at all, and what to use instead.
NO_STATEMENT: dict[str, str] = {
    "ai_test_generation": "`panoptic generate URL -o FILE.pan` writes scenarios from a live page",
    "distributed_test": "`panoptic run --workers N` runs scenarios in N worker processes",
}
# Keys every action may have; the rest must be used by its type or they are reported as meaningless.
_GENERIC_KEYS = frozenset(("name", "type", "screenshot", "record", "wait_time", "parameters"))
_HTML_TAGS = frozenset(
    re.findall(
        r"\w+",
        "a abbr article aside body button canvas dialog div footer form h1 h2 h3 h4 h5 h6 header iframe img input "
        "label li main nav ol option p section select span strong summary table tbody td textarea th tr ul video",
    )
)
_IMAGE = re.compile(r"\.(png|jpe?g|bmp|gif)$", re.IGNORECASE)
_CSS_START = re.compile(r"^[#.\[*]|^[a-z][a-z0-9]*([#.\[:>\s]|$)")
_PROVIDERS = {
    "aws": "s3",
    "s3": "s3",
    "amazon": "s3",
    "gcp": "gs",
    "gcs": "gs",
    "google": "gs",
    "azure": "az",
    "az": "az",
    "local": "file",
    "file": "file",
    "filesystem": "file",
}


@dataclass
class Conversion:
    """What converting one config gave: the module (None when the config is invalid) and the findings."""

    file: str
    module: ast.Module | None
    diagnostics: list[Diagnostic]
    origins: dict[int, Span] = field(default_factory=dict)
    output: str | None = None  # the config's `output` folder, for `panoptic run config.yaml`
    secrets: list[Span] = field(default_factory=list)  # passwords and credentials in the YAML, masked when shown

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def to_module(config: Config, *, available: frozenset[str], out_dir: Path, yaml_dir: Path) -> Conversion:
    """Build the `.pan` module of a valid config. `available` is the set of IR actions installed."""
    return _Converter(config, available, out_dir, yaml_dir).run()


class _Converter:
    def __init__(self, config: Config, available: frozenset[str], out_dir: Path, yaml_dir: Path) -> None:
        self.config = config
        self.available = available
        self.out_dir = out_dir
        self.yaml_dir = yaml_dir
        self.b = Builder(config.file)
        self.diags: list[Diagnostic] = []
        self.secrets: list[ast.Let] = []
        self.secret_names: dict[tuple[int, str], str] = {}  # (offset of the value in the YAML, key) -> name
        self.secret_spans: list[Span] = []
        self.warned: set[tuple[str, int, int, str]] = set()
        self.settings = config.settings or YMap((), Span(config.file, 0, 0, 1, 1, 1, 1))
        self.app_names: dict[str, str] = {}

    # ---- findings ----------------------------------------------------------------------------

    def warn(
        self, code: str, message: str, span: Span, help: str | None = None, *, severity: Severity | None = None
    ) -> None:
        key = (code, span.start, span.end, message)
        if key in self.warned:  # a global action runs in every app: one finding is enough
            return
        self.warned.add(key)
        self.diags.append(diagnostic(code, message, span, help=help, severity=severity))

    def no_meaning(self, what: str, span: Span, help: str | None = None) -> None:
        self.warn("PAN015", f"{what} has no equivalent in Panoptic; it is left out", span, help)

    # ---- the module -----------------------------------------------------------------------------

    def run(self) -> Conversion:
        config = self.config
        b = self.b
        title = f' ("{config.name}")' if config.name else ""
        b.comment(f"Converted by `panoptic convert` from {Path(config.file).name}{title}.")
        self.top_level()
        apps: list[ast.App] = []
        for app in config.apps:
            apps.append(self.app(app))
        self.declare_secrets()
        scenarios = [self.scenario(app, len(config.apps)) for app in config.apps]
        decls: list[ast.Decl] = [*apps, *self.secrets, *scenarios]
        root = config.root
        output = None
        if root is not None and isinstance(root.get("output"), YScalar):
            output = str(root.get("output").value)  # type: ignore[union-attr]
        return Conversion(config.file, b.module(decls), self.diags, b.origins, output, self.secret_spans)

    def top_level(self) -> None:
        root = self.config.root
        if root is None:
            return
        output = root.get("output")
        if output is not None:
            self.warn(
                "PAN015",
                "`output` is where `panoptic run` writes; a .pan file does not hold it",
                output.span,
                help=f"`panoptic run FILE.pan -o {_scalar_text(output)}` (running the YAML uses it by itself)",
                severity=Severity.INFO,
            )
        settings = self.settings
        for key in ("quality", "enable_metrics"):
            node = settings.get(key)
            if node is None:
                continue
            if key == "enable_metrics" and _scalar(node) is True:
                continue  # every run records step and scenario timings in results.jsonl.gz
            self.no_meaning(
                f"`settings.{key}`",
                node.span,
                help="screenshots are lossless PNG"
                if key == "quality"
                else "every run writes its timings into results.jsonl.gz",
            )
        shot = settings.get("screenshot_format")
        if shot is not None and str(_scalar(shot)).lower() != "png":
            self.no_meaning(f"`screenshot_format: {_scalar(shot)}`", shot.span, help="screenshots are always PNG")
        level = settings.get("log_level")
        if level is not None and str(_scalar(level)).lower() == "debug":
            self.no_meaning(
                "`log_level: debug`", level.span, help="`panoptic run --verbose` prints log lines and step notes"
            )
        ai = settings.get("ai_testing")
        if isinstance(ai, YMap):
            for key, _, value in ai.entries:
                v = _scalar(value)
                if (
                    v is False
                    or v is None
                    or key == "confidence_threshold"
                    or (key == "max_generated_tests" and v == 0)
                ):
                    continue
                hint = {
                    "enable_error_detection": "add `expect no errors` where a page must log no errors "
                    "(the `smart_error_detection` action converts to it)",
                    "enable_test_generation": "`panoptic generate URL` writes scenarios from a live page",
                    "auto_generate_tests": "`panoptic generate URL` writes scenarios from a live page",
                    "enable_vision_analysis": "`vision report NAME` analyses the screen where you put it",
                    "smart_error_recovery": "`retry N times { … }` reruns a block; `panoptic run --retries N` a scenario",
                    "max_generated_tests": "`panoptic generate` writes one scenario per page",
                }.get(key)
                self.no_meaning(f"`ai_testing.{key}`", value.span, help=hint)
        for key in ("cloud", "enterprise"):
            node = settings.get(key)
            if isinstance(node, YMap):
                self.settings_block(key, node)

    def settings_block(self, key: str, node: YMap) -> None:
        if key == "cloud":
            for sub, span, value in node.entries:
                if sub == "credentials":
                    self.secret_spans.append(value.span)
                    self.warn(
                        "PAN016",
                        "cloud credentials are written in plain text; they are not carried over",
                        span,
                        help="give them through the provider's environment (AWS_ACCESS_KEY_ID…, "
                        "GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_CONNECTION_STRING) and delete them here",
                    )
                elif sub not in (
                    "provider",
                    "bucket",
                    "container",
                    "region",
                    "prefix",
                    "path",
                    "endpoint",
                    "project",
                    "account",
                ):
                    self.no_meaning(f"`settings.cloud.{sub}`", value.span, help="cloud statements take a storage URL")
        else:
            for sub, _, value in node.entries:
                if sub == "store":
                    self.no_meaning(
                        "`settings.enterprise.store`",
                        value.span,
                        help="the enterprise store is named by the environment variable PANOPTIC_DATABASE_URL",
                    )
                elif sub == "policies" and isinstance(value, YMap) and "enterprise.set_setting" in self.available:
                    uses = any(
                        NEEDS.get(a.type, ("",))[0].startswith("enterprise.")
                        for app in self.config.apps
                        for a in (app.actions if app.actions is not None else self.config.actions)
                    )
                    if not uses:
                        self.no_meaning(
                            "`settings.enterprise.policies` in a config without enterprise actions",
                            value.span,
                            help="`enterprise set NAME to VALUE` changes a store setting in a scenario",
                        )
                else:
                    self.no_meaning(f"`settings.enterprise.{sub}`", value.span)

    # ---- apps -------------------------------------------------------------------------------

    def app(self, app: App) -> ast.App:
        b = self.b
        name = snake_name(app.name)
        base, n = name, 2
        while name in self.app_names.values():
            name = f"{base}_{n}"
            n += 1
        self.app_names[app.name] = name
        settings: list[ast.Setting] = []
        used = {"name", "type", "actions"}
        s = self.settings

        def add(key: str, value: ast.Expr, at: Span) -> None:
            settings.append(b.setting(key, value, at))

        url = app.get("url")
        if app.type in ("web", "mobile") and url is not None:
            add("url", b.string(str(_scalar(url)), url.span), url.span)
            used.add("url")
        if app.type == "desktop":
            path = app.get("path")
            if path is not None:
                add("command", b.string(self.command(str(_scalar(path))), path.span), path.span)
                used.add("path")
                if self.out_dir.resolve() != self.yaml_dir.resolve():
                    add("cwd", b.string(self.relative(str(self.yaml_dir))), path.span)
            env = app.get("environment")
            if isinstance(env, YMap):
                entries = [(k, b.string(str(_scalar(v)), v.span)) for k, _, v in env.entries]
                add("env", b.map_of(entries, env.span), env.span)
                used.add("environment")
        if app.type == "mobile":
            platform = app.get("platform")
            if platform is not None:
                add("platform", b.string(str(_scalar(platform)).lower(), platform.span), platform.span)
                used.add("platform")
            path = app.get("path")
            if path is not None:
                add("app", b.string(self.relative(str(_scalar(path))), path.span), path.span)
                used.add("path")
        device = app.get("device")
        mobile_device = s.get("mobile_device")
        if app.type in ("web", "mobile") and (device is not None or mobile_device is not None):
            node = device if device is not None else mobile_device
            assert node is not None
            add("device", b.string(str(_scalar(node)), node.span), node.span)
            used.add("device")
        width, height = s.get("window_width"), s.get("window_height")
        if width is not None or height is not None:
            at = (width or height).span  # type: ignore[union-attr]
            w = int(str(_scalar(width))) if width is not None else 1280
            h = int(str(_scalar(height))) if height is not None else 720
            if app.type == "web":
                add("viewport", b.size(w, h, at), at)
            elif app.type == "desktop":
                add("screen", b.size(w, h, at), at)
            else:
                self.no_meaning("the window size of a mobile app", at, help="the device decides its screen size")
        headless = s.get("headless")
        if headless is not None and isinstance(_scalar(headless), bool):
            if app.type == "web":
                add("headless", b.boolean(bool(_scalar(headless)), headless.span), headless.span)
            elif _scalar(headless) is False:
                self.no_meaning(
                    f"`headless: false` for the {app.type} app `{app.name}`",
                    headless.span,
                    help="`panoptic run --headed` shows windows",
                )
        timeout = app.get("timeout")
        if timeout is not None:
            add("timeout", b.duration(float(_scalar(timeout)), timeout.span), timeout.span)  # type: ignore[arg-type]
            used.add("timeout")
        video = s.get("video_format")
        if video is not None:
            made = "webm" if app.type == "web" else "mp4"
            if str(_scalar(video)).lower() != made:
                self.no_meaning(
                    f"`video_format: {_scalar(video)}` for the {app.type} app `{app.name}`",
                    video.span,
                    help=f"{app.type} videos are {made} files",
                )
        for key, span, _ in app.node.entries:
            if key in used:
                continue
            if key == "emulator" and _scalar(app.node.get(key)) is False:
                continue
            help = {
                "emulator": "start the emulator before the run; `capabilities: {…}` passes Appium options",
                "environment": "only desktop apps start a process that takes environment variables",
            }.get(key)
            self.no_meaning(f"`{key}` of the {app.type} app `{app.name}`", span, help)
        return b.app(name, app.type, settings, app.name_span)

    def command(self, path: str) -> str:
        import shlex

        if path.endswith(".py") and not Path(path).is_absolute():
            return "python3 " + shlex.quote(path)
        return shlex.quote(path) if " " in path else path

    def relative(self, path: str) -> str:
        """A path of the config (relative to its folder) made relative to the .pan file's folder."""
        import os

        full = Path(path) if Path(path).is_absolute() else self.yaml_dir / path
        try:
            return os.path.relpath(full, self.out_dir)
        except ValueError:
            return str(full)

    # ---- scenarios ------------------------------------------------------------------------------

    def scenario(self, app: App, count: int) -> ast.Scenario:
        b = self.b
        start = b.scenario_start(app.span)
        actions = app.actions if app.actions is not None else self.config.actions
        body: list[ast.Stmt] = []
        if any(a.type == "record" or _scalar(a.get("record")) is True for a in actions):
            first = next(a for a in actions if a.type == "record" or _scalar(a.get("record")) is True)
            body.append(b.statement(["record video"], first.span))
        body.extend(self.policies(actions))
        for action in actions:
            body.extend(self.action(action, app))
        if count == 1:
            title = self.config.name or app.name
        else:
            title = f"{self.config.name}: {app.name}" if self.config.name else app.name
        return b.scenario(start, title, self.app_names[app.name], (), body)

    def policies(self, actions: list[Action]) -> list[ast.Stmt]:
        """`enterprise set "NAME" to VALUE` for each `settings.enterprise.policies` entry, in scenarios that use the
        enterprise family (the store's settings apply to the statements after them)."""
        enterprise = self.settings.get("enterprise")
        policies = enterprise.get("policies") if isinstance(enterprise, YMap) else None
        if not isinstance(policies, YMap) or "enterprise.set_setting" not in self.available:
            return []
        if not any(NEEDS.get(a.type, ("",))[0].startswith("enterprise.") for a in actions):
            return []
        b = self.b
        out: list[ast.Stmt] = []
        for key, key_span, value in policies.entries:
            v = _scalar(value)
            if not isinstance(value, YScalar) or v is None:
                self.warn("PAN012", f"the policy `{key}` must be a number, text or true/false", value.span)
                continue
            literal = b.value(v, value.span)  # type: ignore[arg-type]
            out.append(b.statement(["enterprise set", b.string(key, key_span), "to", literal], key_span))
        return out

    def action(self, action: Action, app: App) -> list[ast.Stmt]:
        used: set[str] = set()
        params = action.parameters()
        used_params: set[str] = set()
        ctx = _Ctx(self, action, app, used, used_params, params)
        kind = action.type
        out: list[ast.Stmt] = []
        if kind in NO_STATEMENT:
            workers = ctx.param("workers", "nodes", "parallel")
            hint = NO_STATEMENT[kind]
            if kind == "distributed_test" and isinstance(_scalar(workers), int):
                hint = (
                    f"`panoptic run --workers {_scalar(workers)}` runs scenarios in {_scalar(workers)} worker processes"
                )
            self.warn(
                "PAN015",
                f"the action type `{kind}` has no statement in Panoptic; `{action.name}` is left out",
                action.type_span,
                help=hint,
            )
            self.b.comment(f"{action.name} ({kind}): left out, see {NO_STATEMENT[kind]}")
            return []
        need = NEEDS.get(kind)
        if need is not None and need[0] not in self.available:
            family = need[0].partition(".")[0]
            self.warn(
                "PAN015",
                f"`{kind}` has no equivalent yet: no `{need[1]}` statement is installed (the {family} family); "
                f"`{action.name}` is left out",
                action.type_span,
                help=f"when the {family} family is installed, convert again",
            )
            self.b.comment(f"{action.name} ({kind}): no `{need[1]}` statement is installed yet")
            return []
        handler: Callable[[_Ctx], list[ast.Stmt]] = getattr(self, f"do_{kind}")
        out.extend(handler(ctx))
        wait = action.get("wait_time")
        if wait is not None and kind != "wait":
            out.append(self.b.statement(["wait", self.b.duration(float(_scalar(wait)), wait.span)], wait.span))  # type: ignore[arg-type]
        if _scalar(action.get("screenshot")) is True and kind != "screenshot":
            shot = action.get("screenshot")
            assert shot is not None
            out.append(self.b.statement(["screenshot", self.b.string(action.name, action.name_span)], shot.span))
        for key, span, _ in action.node.entries:
            if key not in used and key not in _GENERIC_KEYS:
                self.no_meaning(f"`{key}` on a `{kind}` action", span)
        if params is not None:
            for key, span, _ in params.entries:
                if key not in used_params:
                    self.no_meaning(f"the parameter `{key}` of a `{kind}` action", span)
        return out

    # ---- targets and values ---------------------------------------------------------------------

    def target(self, text: str, at: Span, *, css: bool, image_ok: bool = True) -> list[str | ast.Expr]:
        """Target items for a selector (`css=True`) or a target description."""
        b = self.b
        for prefix, word in (("text=", "text"), ("xpath=", "xpath"), ("id=", "id"), ("css=", None)):
            if text.startswith(prefix):
                rest = text[len(prefix) :].strip().strip("\"'")
                return [word, b.string(rest, at)] if word else [b.string(rest, at)]
        if text.startswith("//") or text.startswith("(//"):
            return ["xpath", b.string(text, at)]
        if image_ok and _IMAGE.search(text):
            return ["image", b.string(self.relative(text), at)]
        if css or _looks_like_css(text):
            return [b.string(text, at)]
        return ["text", b.string(text, at)]

    def action_target(self, ctx: _Ctx, *, required: bool = True) -> list[str | ast.Expr] | None:
        selector = ctx.take("selector")
        target = ctx.take("target")
        if selector is not None and target is not None:
            self.no_meaning("`target` beside `selector`", target.span, help="the `selector` is used")
        if selector is not None:
            return self.target(str(_scalar(selector)), selector.span, css=True, image_ok=False)
        if target is not None:
            return self.target(str(_scalar(target)), target.span, css=False)
        if required:
            self.warn(
                "PAN011",
                f"the `{ctx.action.type}` action `{ctx.action.name}` has no `selector` or `target`",
                ctx.action.span,
                help='name the element: `selector: "#id"` or `target: "visible text"`',
            )
        return None

    def declare_secrets(self) -> None:
        """Declare a secret for every password of the actions that will be converted, before the scenarios."""
        for app in self.config.apps:
            for action in app.actions if app.actions is not None else self.config.actions:
                found = self.password_of(action)
                if found is not None:
                    self.declare_secret(*found)

    def password_of(self, action: Action) -> tuple[YScalar, str, str] | None:
        """(the password's node, the name its secret is derived from, what it is) for an action holding one."""
        if action.type in ("user_create", "user_authenticate"):
            params = action.parameters()
            password = params.get("password") if params is not None else None
            user = params.get("username") if params is not None else None
            if isinstance(password, YScalar) and password.value is not None:
                name = _scalar_text(user) if isinstance(user, YScalar) and user.value is not None else action.name
                return password, name, f"the password of `{name}`"
        elif action.type == "fill" and _is_password_field(action):
            value = action.get("value")
            if isinstance(value, YScalar) and value.value is not None:
                return value, action.name, f"the value of `{action.name}`"
        return None

    def declare_secret(self, node: YScalar, base: str, what: str) -> str:
        """`secret NAME = env("NAME", "value")` for a password written in the config (one per user and value)."""
        b = self.b
        by_place = self.secret_names.get((node.span.start, ""))
        if by_place is not None:
            return by_place
        stem = snake_name(base, "value")
        stem = stem if stem.endswith("password") else f"{stem}_password"
        name = self.secret_names.get((0, f"{stem}\0{node.value}"))
        if name is None:
            taken = set(self.secret_names.values())
            name, n = stem, 2
            while name in taken:
                name = f"{stem}_{n}"
                n += 1
            self.secret_names[(0, f"{stem}\0{node.value}")] = name
            env = name.upper()
            value = b.call("env", [b.string(env, node.span), b.string(str(node.value), node.span)], node.span)
            self.secrets.append(b.let(name, value, secret=True, at=node.span))
        self.secret_names[(node.span.start, "")] = name
        self.secret_spans.append(node.span)
        env = name.upper()
        self.warn(
            "PAN016",
            f"{what} is written in plain text; it becomes `secret {name}`, read from ${env} "
            "with the old value as its default",
            node.span,
            help=f"set {env} where the tests run and delete the value here and in the .pan file",
        )
        return name

    def secret_for(self, node: YNode, base: str, what: str) -> ast.Expr:
        """The secret declared for a password (declared now if the first pass missed it), as a value."""
        assert isinstance(node, YScalar)
        return self.b.var(self.declare_secret(node, base, what), node.span)

    # ---- action types ----------------------------------------------------------------------------

    def do_navigate(self, ctx: _Ctx) -> list[ast.Stmt]:
        if ctx.app.type == "desktop":
            self.no_meaning(
                f"`navigate` on the desktop app `{ctx.app.name}`", ctx.action.type_span, help="desktop apps have no URL"
            )
            ctx.take("url")
            ctx.take("value")
            return []
        url = ctx.take("url")
        value = ctx.take("value")
        node = url if url is not None else value
        if node is None:
            self.warn("PAN011", f"the `navigate` action `{ctx.action.name}` has no `url`", ctx.action.span)
            return []
        return [self.b.statement(["open", self.b.string(str(_scalar(node)), node.span)], ctx.action.span)]

    def do_click(self, ctx: _Ctx) -> list[ast.Stmt]:
        target = self.action_target(ctx)
        if target is None:
            return []
        return [self.b.statement(["click", *target], ctx.action.span)]

    def do_vision_click(self, ctx: _Ctx) -> list[ast.Stmt]:
        return self.do_click(ctx)

    def do_fill(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        target = self.action_target(ctx)
        value = ctx.take("value")
        if value is None:
            self.warn("PAN011", f"the `fill` action `{ctx.action.name}` has no `value`", ctx.action.span)
            return []
        if target is None:
            return []
        text: ast.Expr = (
            self.secret_for(value, ctx.action.name, f"the value of `{ctx.action.name}`")
            if _is_password_field(ctx.action) and isinstance(value, YScalar)
            else b.string(str(_scalar(value)), value.span)
        )
        if ctx.app.type == "desktop":
            return [b.statement(["type", text, "into", *target], ctx.action.span)]
        return [b.statement(["fill", *target, "with", text], ctx.action.span)]

    def do_submit(self, ctx: _Ctx) -> list[ast.Stmt]:
        if ctx.app.type != "web":
            self.no_meaning(
                f"`submit` on the {ctx.app.type} app `{ctx.app.name}`", ctx.action.type_span, help='use `press "Enter"`'
            )
            return []
        target = self.action_target(ctx, required=False) or [self.b.string("form", ctx.action.span)]
        return [self.b.statement(["submit", *target], ctx.action.span)]

    def do_wait(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        wait = ctx.take("wait_time")
        value = ctx.take("value")
        seconds_node = wait if wait is not None else value
        seconds: float | None = None
        if seconds_node is not None:
            v = _scalar(seconds_node)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                seconds = float(v)
            else:
                self.warn("PAN012", f"the wait time must be a number of seconds, not {v!r}", seconds_node.span)
                return []
        target = self.action_target(ctx, required=False)
        if target is not None:
            parts: list[str | ast.Expr] = ["wait until", *target, "visible"]
            if seconds is not None and seconds_node is not None:
                parts += ["within", b.duration(seconds, seconds_node.span)]
            return [b.statement(parts, ctx.action.span)]
        if seconds is None or seconds_node is None:
            self.warn("PAN011", f"the `wait` action `{ctx.action.name}` has no `wait_time`", ctx.action.span)
            return []
        return [b.statement(["wait", b.duration(seconds, seconds_node.span)], ctx.action.span)]

    def do_screenshot(self, ctx: _Ctx) -> list[ast.Stmt]:
        value = ctx.take("value")
        name = str(_scalar(value)) if value is not None else ctx.action.name
        at = value.span if value is not None else ctx.action.name_span
        return [self.b.statement(["screenshot", self.b.string(name, at)], ctx.action.span)]

    def do_record(self, ctx: _Ctx) -> list[ast.Stmt]:
        duration = ctx.take("duration")
        if duration is not None:
            self.no_meaning("a recording `duration`", duration.span, help="`record video` records the whole scenario")
        return []  # `record video` is the scenario's first statement

    def do_vision_report(self, ctx: _Ctx) -> list[ast.Stmt]:
        value = ctx.take("value")
        name = str(_scalar(value)) if value is not None else ctx.action.name
        return [self.b.statement(["vision report", self.b.string(name, ctx.action.name_span)], ctx.action.span)]

    def do_smart_error_detection(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        if ctx.app.type != "web":
            self.no_meaning(
                f"`smart_error_detection` on the {ctx.app.type} app `{ctx.app.name}`",
                ctx.action.type_span,
                help="page errors are read from the browser, on web apps only",
            )
            return []
        allowed = ctx.param("ignore", "allowed", "allow", "except", "ignore_errors")
        parts: list[str | ast.Expr] = ["expect no errors"]
        if allowed is not None:
            items = allowed.items if isinstance(allowed, YList) else (allowed,)
            parts += ["except", b.list_of([b.string(str(_scalar(i)), i.span) for i in items], allowed.span)]
        return [b.statement(parts, ctx.action.span)]

    def do_ai_enhanced_testing(self, ctx: _Ctx) -> list[ast.Stmt]:
        node = ctx.param("instruction", "prompt", "goal", "task") or ctx.take("value")
        if node is None:
            self.no_meaning(
                f"`ai_enhanced_testing` without an instruction (`{ctx.action.name}`)",
                ctx.action.type_span,
                help='give `parameters: {instruction: "…"}`; it becomes `ai "…"`',
            )
            return []
        return [self.b.statement(["ai", self.b.string(str(_scalar(node)), node.span)], ctx.action.span)]

    def storage_url(self, ctx: _Ctx) -> tuple[str, Span] | None:
        """The storage URL of a cloud action: its parameters' `url`/`destination`, else `settings.cloud`."""
        node = ctx.param("url", "destination", "location", "source")
        if node is not None:
            return str(_scalar(node)), node.span
        cloud = self.settings.get("cloud")
        if not isinstance(cloud, YMap):
            return None
        provider = str(_scalar(cloud.get("provider")) or "local").lower()
        scheme = _PROVIDERS.get(provider)
        if scheme is None:
            span = (cloud.get("provider") or cloud).span
            self.no_meaning(
                f"the cloud provider `{provider}`", span, help="providers: aws (s3), gcp (gs), azure (az), local"
            )
            return None
        bucket_node = cloud.get("bucket") or cloud.get("container") or cloud.get("path")
        if bucket_node is None:
            self.warn("PAN011", "`settings.cloud` names no `bucket`", cloud.span)
            return None
        bucket = str(_scalar(bucket_node)).strip("/")
        prefix = str(_scalar(cloud.get("prefix")) or "").strip("/")
        if scheme == "file":
            url = self.relative(bucket) + (f"/{prefix}" if prefix else "")
        else:
            url = f"{scheme}://{bucket}" + (f"/{prefix}" if prefix else "")
            options = []
            for key in {"s3": ("region", "endpoint"), "gs": ("project", "endpoint"), "az": ("account", "endpoint")}[
                scheme
            ]:
                value = _scalar(cloud.get(key))
                if value:
                    options.append(f"{key}={value}")
            if options:
                url += "?" + "&".join(options)
        return url, bucket_node.span

    def do_cloud_sync(self, ctx: _Ctx) -> list[ast.Stmt]:
        found = self.storage_url(ctx)
        if found is None:
            self.warn(
                "PAN015",
                f"the `cloud_sync` action `{ctx.action.name}` names no place to upload to; it is left out",
                ctx.action.span,
                help="give `settings.cloud` a `provider` and a `bucket`, or the action `parameters: {url: …}`",
            )
            return []
        url, at = found
        return [self.b.statement(["cloud sync to", self.b.string(url, at)], ctx.action.span)]

    def do_cloud_analytics(self, ctx: _Ctx) -> list[ast.Stmt]:
        found = self.storage_url(ctx)
        parts: list[str | ast.Expr] = ["cloud analytics"]
        if found is not None:
            parts += ["from", self.b.string(found[0], found[1])]
        return [self.b.statement(parts, ctx.action.span)]

    def age(self, ctx: _Ctx, *keys: str) -> ast.Duration | None:
        node = ctx.param(*keys)
        if node is None:
            return None
        value = _scalar(node)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            self.warn("PAN012", f"a retention must be a number of days above 0, not {value!r}", node.span)
            return None
        return self.b.duration(float(value) * 86400, node.span)

    def do_cloud_cleanup(self, ctx: _Ctx) -> list[ast.Stmt]:
        age = self.age(ctx, "days", "older_than_days", "retention_days", "max_age_days")
        if age is None:
            self.warn(
                "PAN011",
                f"the `cloud_cleanup` action `{ctx.action.name}` has no retention",
                ctx.action.span,
                help="give `parameters: {days: 30}`: runs older than that are deleted",
            )
            return []
        found = self.storage_url(ctx)
        parts: list[str | ast.Expr] = ["cloud cleanup"]
        if found is not None:
            parts.append(self.b.string(found[0], found[1]))
        return [self.b.statement([*parts, "older than", age], ctx.action.span)]

    def do_enterprise_status(self, ctx: _Ctx) -> list[ast.Stmt]:
        return [self.b.statement(["enterprise status"], ctx.action.span)]

    def do_license_info(self, ctx: _Ctx) -> list[ast.Stmt]:
        return [self.b.statement(["license info"], ctx.action.span)]

    def text_param(self, ctx: _Ctx, *keys: str, required: str | None = None) -> ast.Str | None:
        node = ctx.param(*keys)
        if node is None:
            if required is not None:
                self.warn(
                    "PAN011",
                    f"the `{ctx.action.type}` action `{ctx.action.name}` has no `parameters.{keys[0]}` ({required})",
                    ctx.action.span,
                )
            return None
        if isinstance(node, (YList, YMap)):
            self.warn("PAN012", f"`parameters.{keys[0]}` must be a text, not a list or map", node.span)
            return None
        return self.b.string(str(_scalar(node)), node.span)

    def texts(self, node: YNode | None) -> list[tuple[str, Span]]:
        if node is None:
            return []
        items = node.items if isinstance(node, YList) else (node,)
        return [(str(_scalar(i)), i.span) for i in items if isinstance(i, YScalar) and i.value is not None]

    def do_user_create(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        user = self.text_param(ctx, "username", required="the user's name")
        password = ctx.param("password")
        if password is None:
            self.warn(
                "PAN011", f"the `user_create` action `{ctx.action.name}` has no `parameters.password`", ctx.action.span
            )
        if user is None or password is None:
            return []
        role = self.text_param(ctx, "role")
        if role is None:
            role = b.string("viewer", ctx.action.span)
            self.warn(
                "PAN015",
                f"the `user_create` action `{ctx.action.name}` gives no role: `viewer`, the least, is used",
                ctx.action.span,
                help="roles: admin, manager, developer, viewer",
            )
        secret = self.secret_for(password, user.parts[0], f"the password of `{user.parts[0]}`")  # type: ignore[arg-type]
        parts: list[str | ast.Expr] = ["user create", user, "role", role, "password", secret]
        email = self.text_param(ctx, "email")
        if email is not None:
            parts += ["email", email]
        out: list[ast.Stmt] = [b.statement(parts, ctx.action.span)]
        for team, span in self.texts(ctx.param("team_ids")):
            out.append(
                b.statement(["team add", b.string(str(user.parts[0]), user.span), "to", b.string(team, span)], span)
            )
        for key in ("first_name", "last_name"):
            node = ctx.param(key)
            if node is not None:
                self.no_meaning(f"a user's `{key}`", node.span, help="users have a name, an email and a role")
        projects = ctx.param("project_ids")
        if projects is not None:
            self.no_meaning(
                "`project_ids` of a new user",
                projects.span,
                help="projects belong to teams: `project create NAME team TEAM`",
            )
        return out

    def do_user_authenticate(self, ctx: _Ctx) -> list[ast.Stmt]:
        user = self.text_param(ctx, "username", required="the user's name")
        password = ctx.param("password")
        if password is None:
            self.warn(
                "PAN011",
                f"the `user_authenticate` action `{ctx.action.name}` has no `parameters.password`",
                ctx.action.span,
            )
        if user is None or password is None:
            return []
        secret = self.secret_for(password, str(user.parts[0]), f"the password of `{user.parts[0]}`")
        return [self.b.statement(["user authenticate", user, "password", secret], ctx.action.span)]

    def do_project_create(self, ctx: _Ctx) -> list[ast.Stmt]:
        name = self.text_param(ctx, "name", required="the project's name")
        if name is None:
            return []
        parts: list[str | ast.Expr] = ["project create", name]
        teams = self.texts(ctx.param("team_ids", "team_id", "team"))
        if teams:
            parts += ["team", self.b.string(teams[0][0], teams[0][1])]
            for _, span in teams[1:]:
                self.no_meaning("a second team of a project", span, help="a project belongs to one team")
        for key in ("description", "owner_id"):
            node = ctx.param(key)
            if node is not None:
                self.no_meaning(f"a project's `{key}`", node.span)
        return [self.b.statement(parts, ctx.action.span)]

    def do_team_create(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        name = self.text_param(ctx, "name", required="the team's name")
        if name is None:
            return []
        parts: list[str | ast.Expr] = ["team create", name]
        lead = self.text_param(ctx, "lead_id", "lead")
        if lead is not None:
            parts += ["lead", lead]
        out: list[ast.Stmt] = [b.statement(parts, ctx.action.span)]
        for member, span in self.texts(ctx.param("member_ids", "members")):
            out.append(
                b.statement(["team add", b.string(member, span), "to", b.string(str(name.parts[0]), name.span)], span)
            )
        description = ctx.param("description")
        if description is not None:
            self.no_meaning("a team's `description`", description.span)
        return out

    def do_api_key_create(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        name = self.text_param(ctx, "name", required="the key's name")
        user = self.text_param(ctx, "user_id", "username", "user", required="the owner")
        scopes_node = ctx.param("scopes", "permissions")
        if name is None or user is None:
            return []
        scopes = self.texts(scopes_node)
        at = scopes_node.span if scopes_node is not None else ctx.action.span
        parts: list[str | ast.Expr] = [
            "api key create",
            name,
            "for",
            user,
            "scopes",
            b.list_of([b.string(s, span) for s, span in scopes], at),
        ]
        expires = self.age(ctx, "expires_in_days", "expires_days", "expiry_days")
        if expires is not None:
            parts += ["expires in", expires]
        return [b.statement(parts, ctx.action.span)]

    def do_audit_report(self, ctx: _Ctx) -> list[ast.Stmt]:
        b = self.b
        parts: list[str | ast.Expr | ast.Word] = ["audit report"]
        user = self.text_param(ctx, "user_id", "username", "user")
        if user is not None:
            parts += ["user", user]
        action = self.text_param(ctx, "action")
        if action is not None:
            parts += ["action", action]
        severity = ctx.param("severity")
        if severity is not None:
            parts += ["severity", b.word(_scalar_text(severity).lower(), severity.span)]
        since = self.age(ctx, "days", "since_days")
        if since is not None:
            parts += ["since", since]
        fmt = ctx.param("format")
        if fmt is not None:
            parts += ["format", b.word(_scalar_text(fmt).lower(), fmt.span)]
        return [b.statement(parts, ctx.action.span)]

    def do_compliance_check(self, ctx: _Ctx) -> list[ast.Stmt]:
        standards = self.texts(ctx.param("standards", "standard"))
        if not standards:
            self.warn(
                "PAN011",
                f"the `compliance_check` action `{ctx.action.name}` names no `parameters.standards`",
                ctx.action.span,
                help="standards: soc2, gdpr, hipaa, iso27001",
            )
            return []
        return [self.b.statement(["compliance check", self.b.string(s.lower(), span)], span) for s, span in standards]

    def do_backup_data(self, ctx: _Ctx) -> list[ast.Stmt]:
        folder = ctx.param("destination", "path", "folder", "to")
        parts: list[str | ast.Expr] = ["backup data"]
        if folder is not None:
            parts += ["to", self.b.string(self.relative(str(_scalar(folder))), folder.span)]
        return [self.b.statement(parts, ctx.action.span)]

    def do_cleanup_data(self, ctx: _Ctx) -> list[ast.Stmt]:
        age = self.age(ctx, "days", "older_than_days", "retention_days", "max_age_days")
        if age is None:
            self.warn(
                "PAN011",
                f"the `cleanup_data` action `{ctx.action.name}` has no retention",
                ctx.action.span,
                help="give `parameters: {days: 90}`",
            )
            return []
        parts: list[str | ast.Expr] = ["cleanup data older than", age]
        if _scalar(ctx.param("dry_run")) is True:
            parts.append("dry run")
        return [self.b.statement(parts, ctx.action.span)]


@dataclass
class _Ctx:
    """One action being converted, with the keys and parameters its type has used."""

    conv: _Converter
    action: Action
    app: App
    used: set[str]
    used_params: set[str]
    params: YMap | None

    def take(self, key: str) -> YNode | None:
        node = self.action.get(key)
        if node is not None:
            self.used.add(key)
        return node

    def param(self, *keys: str) -> YNode | None:
        """The first of `keys` present in `parameters` (all of them count as used)."""
        if self.params is None:
            return None
        found = None
        for key in keys:
            node = self.params.get(key)
            if node is not None:
                self.used_params.add(key)
                if found is None:
                    found = node
        return found


def _scalar(node: YNode | None) -> object:
    return node.value if isinstance(node, YScalar) else None


def _scalar_text(node: YNode) -> str:
    value = _scalar(node)
    return "" if value is None else str(value)


def _is_password_field(action: Action) -> bool:
    """Whether a `fill` action types into a password field (by its selector, target or name)."""
    return any(
        "password" in str(_scalar(action.get(key)) or "").lower() or "passwd" in str(_scalar(action.get(key)) or "")
        for key in ("selector", "target", "name")
    )


def _looks_like_css(text: str) -> bool:
    if " " in text.strip() and not re.search(r"[#.\[>]", text):
        return False
    match = _CSS_START.match(text)
    if match is None:
        return False
    if text[0] in "#.[*":
        return True
    word = re.match(r"[a-z][a-z0-9]*", text)
    return word is not None and word.group(0) in _HTML_TAGS
