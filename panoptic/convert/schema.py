"""The YAML config format that `panoptic convert` reads, validated into a located model.

    name: Shop regression          # optional
    output: results                 # folder for `panoptic run config.yaml`
    apps:                           # required, at least one
      - name: Shop                  # required, unique
        type: web                   # web | desktop | mobile
        url: https://shop.example   # web: required
        path: ./notes.py            # desktop: required (the executable)
        platform: android           # mobile: required (ios | android | windows | macos | linux)
        emulator: false
        device: Pixel 7
        timeout: 15                 # seconds
        environment: {KEY: value}
        actions: [...]              # replaces the global list for this app
    actions:                        # the global list: every app without its own runs it
      - name: open home             # required, unique in its list
        type: navigate              # one of ACTION_TYPES
        url: /                      # (`value` is the older spelling)
        target / selector / value / wait_time / duration / screenshot / record / parameters
    settings: {...}                 # SETTINGS_KEYS

Every problem is a diagnostic at the YAML line and column it concerns:
PAN011 a missing key, PAN012 a value of the wrong type or out of range, PAN013
an unknown app type, action type or platform, PAN014 a duplicate name, PAN017
a key the format does not have (a warning; the key is ignored).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from panoptic.convert.yamlnodes import YList, YMap, YNode, YScalar, kind_name
from panoptic.diagnostics import Diagnostic, diagnostic
from panoptic.source import Span

APP_TYPES = ("web", "desktop", "mobile")
PLATFORMS = ("ios", "android", "windows", "macos", "linux")
ACTION_TYPES = (
    "navigate",
    "click",
    "fill",
    "submit",
    "wait",
    "screenshot",
    "record",
    "vision_click",
    "vision_report",
    "ai_test_generation",
    "smart_error_detection",
    "ai_enhanced_testing",
    "cloud_sync",
    "cloud_analytics",
    "distributed_test",
    "cloud_cleanup",
    "enterprise_status",
    "user_create",
    "user_authenticate",
    "project_create",
    "team_create",
    "api_key_create",
    "audit_report",
    "compliance_check",
    "license_info",
    "backup_data",
    "cleanup_data",
)
TOP_KEYS = ("name", "output", "apps", "actions", "settings")
APP_KEYS = ("name", "type", "url", "path", "platform", "emulator", "device", "timeout", "environment", "actions")
ACTION_KEYS = (
    "name",
    "type",
    "url",
    "target",
    "selector",
    "value",
    "wait_time",
    "duration",
    "screenshot",
    "record",
    "parameters",
)
SETTINGS_KEYS = (
    "screenshot_format",
    "video_format",
    "quality",
    "headless",
    "window_width",
    "window_height",
    "mobile_device",
    "enable_metrics",
    "log_level",
    "ai_testing",
    "cloud",
    "enterprise",
)
AI_TESTING_KEYS = (
    "enable_error_detection",
    "enable_test_generation",
    "enable_vision_analysis",
    "auto_generate_tests",
    "smart_error_recovery",
    "adaptive_test_priority",
    "confidence_threshold",
    "max_generated_tests",
    "enable_learning",
)
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


@dataclass
class Action:
    """One action: its name and type, and the other keys as located nodes."""

    name: str
    type: str
    span: Span  # the action's map
    name_span: Span
    type_span: Span
    node: YMap

    def get(self, key: str) -> YNode | None:
        return self.node.get(key)

    def parameters(self) -> YMap | None:
        params = self.node.get("parameters")
        return params if isinstance(params, YMap) else None


@dataclass
class App:
    name: str
    type: str
    span: Span
    name_span: Span
    node: YMap
    actions: list[Action] | None  # None: runs the global list

    def get(self, key: str) -> YNode | None:
        return self.node.get(key)


@dataclass
class Config:
    """A validated config; `valid` is False when an error was found (nothing should be converted then)."""

    file: str
    root: YMap | None
    name: str | None = None
    apps: list[App] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    actions_span: Span | None = None
    settings: YMap | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        from panoptic.diagnostics import Severity

        return self.root is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


def validate(root: YNode | None, file: str, whole: Span) -> Config:
    """Check a composed YAML document against the format; the model keeps what could be read."""
    checker = _Checker(file)
    return checker.config(root, whole)


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diags: list[Diagnostic] = []

    def error(self, code: str, message: str, span: Span | None, help: str | None = None) -> None:
        self.diags.append(diagnostic(code, message, span, help=help))

    # ---- shapes -----------------------------------------------------------------------

    def known_keys(self, node: YMap, allowed: tuple[str, ...], where: str) -> None:
        for key, span, _ in node.entries:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            help = f"did you mean `{close[0]}`?" if close else f"{where} keys are: {', '.join(allowed)}"
            self.diags.append(diagnostic("PAN017", f"`{key}` is not a key of {where}; it is ignored", span, help=help))

    def required(self, node: YMap, key: str, where: str, help: str | None = None) -> YNode | None:
        value = node.get(key)
        if value is None:
            self.error("PAN011", f"{where} has no `{key}`", node.span, help)
        return value

    def text(self, node: YNode | None, key: str, *, allow_numbers: bool = True) -> str | None:
        """A scalar as text (numbers allowed as text unless told otherwise); PAN012 otherwise."""
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, str) and node.value.strip():
            return node.value
        if (
            allow_numbers
            and isinstance(node, YScalar)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        ):
            return str(node.value)
        found = "empty text" if isinstance(node, YScalar) and isinstance(node.value, str) else kind_name(node)
        self.error("PAN012", f"`{key}` must be text, not {found}", node.span)
        return None

    def choice(self, node: YNode | None, key: str, choices: tuple[str, ...], code: str = "PAN012") -> str | None:
        value = self.text(node, key, allow_numbers=False)
        if value is None or node is None:
            return None
        if value.lower() in choices:
            return value.lower()
        close = difflib.get_close_matches(value.lower(), choices, n=1)
        help = f"did you mean `{close[0]}`?" if close else f"one of: {', '.join(choices)}"
        self.error(code, f"`{key}: {value}` is not one of {', '.join(choices)}", node.span, help)
        return None

    def typed(self, node: YNode | None, key: str, check: Callable[[object], bool], what: str) -> bool:
        """Whether the node holds a scalar passing `check`; PAN012 naming `what` otherwise."""
        if node is None:
            return False
        if isinstance(node, YScalar) and check(node.value):
            return True
        self.error("PAN012", f"`{key}` must be {what}, not {kind_name(node)}", node.span)
        return False

    # ---- the document ------------------------------------------------------------------

    def config(self, root: YNode | None, whole: Span) -> Config:
        if root is None:
            self.error("PAN011", "the config is empty", whole, help="a config is a YAML map with `apps` and `actions`")
            return Config(self.file, None, diagnostics=self.diags)
        if not isinstance(root, YMap):
            self.error(
                "PAN012",
                f"a config must be a YAML map, not {kind_name(root)}",
                root.span,
                help="a config is a YAML map with `name`, `apps`, `actions` and `settings`",
            )
            return Config(self.file, None, diagnostics=self.diags)
        self.known_keys(root, TOP_KEYS, "the config")
        config = Config(self.file, root)
        config.name = self.text(root.get("name"), "name")
        self.text(root.get("output"), "output")
        actions = root.get("actions")
        if actions is not None:
            config.actions = self.actions(actions, "actions")
            config.actions_span = actions.span
        apps = self.required(root, "apps", "the config", help="list the apps under test under `apps:`")
        if apps is not None:
            config.apps = self.apps(apps)
        settings = root.get("settings")
        if settings is not None:
            if isinstance(settings, YMap):
                config.settings = settings
                self.settings(settings)
            else:
                self.error("PAN012", f"`settings` must be a map, not {kind_name(settings)}", settings.span)
        config.diagnostics = self.diags
        return config

    def apps(self, node: YNode) -> list[App]:
        if not isinstance(node, YList):
            self.error("PAN012", f"`apps` must be a list, not {kind_name(node)}", node.span)
            return []
        if not node.items:
            self.error("PAN011", "`apps` is empty", node.span, help="a config tests at least one app")
        apps: list[App] = []
        seen: dict[str, Span] = {}
        for item in node.items:
            if not isinstance(item, YMap):
                self.error("PAN012", f"an app must be a map, not {kind_name(item)}", item.span)
                continue
            self.known_keys(item, APP_KEYS, "an app")
            name_node = self.required(item, "name", "this app")
            name = self.text(name_node, "name")
            type_node = self.required(item, "type", "this app", help="`type: web`, `desktop` or `mobile`")
            kind = self.choice(type_node, "type", APP_TYPES, code="PAN013")
            if name is not None and name_node is not None:
                if name in seen:
                    self.error(
                        "PAN014",
                        f"two apps are named `{name}`",
                        name_node.span,
                        help=f"the first is at line {seen[name].line}; app names must be unique",
                    )
                seen.setdefault(name, name_node.span)
            if kind == "web":
                self.text(self.required(item, "url", "this web app", help="`url: https://…`"), "url")
            elif kind == "desktop":
                self.text(self.required(item, "path", "this desktop app", help="`path:` the program to start"), "path")
            elif kind == "mobile":
                self.choice(
                    self.required(item, "platform", "this mobile app", help=f"one of {', '.join(PLATFORMS)}"),
                    "platform",
                    PLATFORMS,
                    code="PAN013",
                )
            if kind != "mobile" and item.get("platform") is not None:
                self.choice(item.get("platform"), "platform", PLATFORMS, code="PAN013")
            for key in ("url", "path", "device"):
                if key in item.keys():  # noqa: SIM118 (a YMap, not a dict)
                    self.text(item.get(key), key)
            self.typed(item.get("emulator"), "emulator", lambda v: isinstance(v, bool), "true or false")
            self.typed(item.get("timeout"), "timeout", _positive_number, "a number of seconds above 0")
            env = item.get("environment")
            if env is not None:
                if isinstance(env, YMap):
                    for key, _, value in env.entries:
                        if not isinstance(value, YScalar) or value.value is None:
                            self.error("PAN012", f"`environment.{key}` must be a text or a number", value.span)
                else:
                    self.error("PAN012", f"`environment` must be a map, not {kind_name(env)}", env.span)
            own = item.get("actions")
            actions = self.actions(own, "actions") if own is not None else None
            if name is not None and kind is not None and name_node is not None:
                apps.append(App(name, kind, item.span, name_node.span, item, actions))
        return apps

    def actions(self, node: YNode, key: str) -> list[Action]:
        if not isinstance(node, YList):
            self.error("PAN012", f"`{key}` must be a list, not {kind_name(node)}", node.span)
            return []
        out: list[Action] = []
        seen: dict[str, Span] = {}
        for item in node.items:
            if not isinstance(item, YMap):
                self.error("PAN012", f"an action must be a map, not {kind_name(item)}", item.span)
                continue
            self.known_keys(item, ACTION_KEYS, "an action")
            name_node = self.required(item, "name", "this action")
            name = self.text(name_node, "name")
            type_node = self.required(item, "type", "this action", help=f"one of: {', '.join(ACTION_TYPES)}")
            kind = self.choice(type_node, "type", ACTION_TYPES, code="PAN013")
            if name is not None and name_node is not None:
                if name in seen:
                    self.error(
                        "PAN014",
                        f"two actions of this list are named `{name}`",
                        name_node.span,
                        help=f"the first is at line {seen[name].line}; action names must be unique in their list",
                    )
                seen.setdefault(name, name_node.span)
            for text_key in ("url", "target", "selector"):
                self.text(item.get(text_key), text_key)
            value = item.get("value")
            if value is not None and not (isinstance(value, YScalar) and value.value is not None):
                self.error("PAN012", f"`value` must be a text or a number, not {kind_name(value)}", value.span)
            for number_key in ("wait_time", "duration"):
                self.typed(item.get(number_key), number_key, _positive_number, "a number of seconds above 0")
            for bool_key in ("screenshot", "record"):
                self.typed(item.get(bool_key), bool_key, lambda v: isinstance(v, bool), "true or false")
            params = item.get("parameters")
            if params is not None and not isinstance(params, YMap):
                self.error("PAN012", f"`parameters` must be a map, not {kind_name(params)}", params.span)
            if name is not None and kind is not None and name_node is not None and type_node is not None:
                out.append(Action(name, kind, item.span, name_node.span, type_node.span, item))
        return out

    def settings(self, node: YMap) -> None:
        self.known_keys(node, SETTINGS_KEYS, "`settings`")
        self.choice(node.get("screenshot_format"), "screenshot_format", ("png", "jpg", "jpeg"))
        self.choice(node.get("video_format"), "video_format", ("mp4", "webm"))
        self.choice(node.get("log_level"), "log_level", LOG_LEVELS)
        quality = node.get("quality")
        if self.typed(quality, "quality", _is_int, "a whole number from 1 to 100") and isinstance(quality, YScalar):
            if not 1 <= quality.value <= 100:
                self.error("PAN012", f"`quality` must be from 1 to 100, not {quality.value}", quality.span)
        for key in ("headless", "enable_metrics"):
            self.typed(node.get(key), key, lambda v: isinstance(v, bool), "true or false")
        for key in ("window_width", "window_height"):
            self.typed(node.get(key), key, _positive_int, "a whole number of pixels above 0")
        self.text(node.get("mobile_device"), "mobile_device")
        ai = node.get("ai_testing")
        if ai is not None:
            if isinstance(ai, YMap):
                self.known_keys(ai, AI_TESTING_KEYS, "`ai_testing`")
                for key, _, value in ai.entries:
                    if key == "confidence_threshold":
                        self.typed(value, key, _fraction, "a number from 0 to 1")
                    elif key == "max_generated_tests":
                        self.typed(value, key, _count, "a whole number")
                    elif key in AI_TESTING_KEYS:
                        self.typed(value, key, lambda v: isinstance(v, bool), "true or false")
            else:
                self.error("PAN012", f"`ai_testing` must be a map, not {kind_name(ai)}", ai.span)
        for key in ("cloud", "enterprise"):
            block = node.get(key)
            if block is not None and not isinstance(block, YMap):
                self.error("PAN012", f"`{key}` must be a map, not {kind_name(block)}", block.span)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _fraction(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def _positive_number(value: object) -> bool:
    return _is_number(value) and value > 0  # type: ignore[operator]
