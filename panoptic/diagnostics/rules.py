"""The rule registry: every diagnostic code is registered here once.

`docs/rules.md`, SARIF rule metadata and the language server all read this
table; `diagnostic()` refuses a code that is not registered, so an emitted code
is always documented.
"""

from __future__ import annotations

from panoptic.diagnostics.model import Diagnostic, Fix, Label, Severity
from panoptic.frozen import frozen
from panoptic.source import Span


@frozen
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str

    @property
    def block(self) -> str:
        return {
            "0": "I/O and configuration",
            "1": "syntax",
            "2": "names and structure",
            "3": "arguments, types and capabilities",
            "4": "family checks",
            "5": "style",
            "9": "run-time failures",
        }[self.code[3]]


RULES: dict[str, Rule] = {}

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def rule(code: str, name: str, severity: Severity, summary: str, explanation: str) -> Rule:
    """A rule whose explanation may be written over several indented lines (they are joined into one)."""
    return Rule(code, name, severity, summary, " ".join(explanation.split()))


def _rule(code: str, name: str, severity: Severity, summary: str, explanation: str) -> None:
    if code in RULES:
        raise ValueError(f"rule {code} registered twice")
    RULES[code] = rule(code, name, severity, summary, explanation)


# PAN0xx — I/O and configuration
_rule(
    "PAN001",
    "unreadable-file",
    E,
    "a file cannot be read",
    "The path does not exist, is not readable, or is not valid UTF-8.",
)
_rule(
    "PAN002", "no-input", E, "no `.pan` files were found", "The paths given on the command line hold no `.pan` files."
)
_rule(
    "PAN003",
    "unwritable-output",
    E,
    "the output folder cannot be written",
    "The run's output folder cannot be created or written; nothing is run.",
)
_rule(
    "PAN004",
    "bad-option",
    E,
    "a command-line option has an invalid value",
    "An option such as `--workers` or `--timeout` has a value out of range.",
)
_rule(
    "PAN005",
    "internal-error",
    E,
    "Panoptic failed on this input",
    "Checking a file raised an unexpected error. The other files are still checked and reported; "
    "the command exits with code 4, not 1, so that a crash is never mistaken for findings. Please report it.",
)
_rule(
    "PAN006",
    "plugin-failed",
    E,
    "a plugin could not be loaded or failed",
    "A package registered a statement family or a platform (entry point groups `panoptic.families`, "
    "`panoptic.platforms`) that cannot be imported, is not a `Family` / `PlatformSpec`, or whose check "
    "hook raised. The message names the package; fix or uninstall it.",
)

# PAN01x — YAML configs read by `panoptic convert`, `panoptic check` and `panoptic run` (docs/convert.md)
_rule(
    "PAN010",
    "config-not-yaml",
    E,
    "the config is not valid YAML",
    "The file could not be read as YAML; the finding points where the YAML parser stopped. A config is a "
    "YAML map with `name`, `output`, `apps`, `actions` and `settings`.",
)
_rule(
    "PAN011",
    "config-missing-key",
    E,
    "a config, app or action lacks a key it needs",
    "Apps need `name` and `type`; a web app needs `url`, a desktop app `path`, a mobile app `platform`. "
    "Actions need `name` and `type`, and each type the keys it acts on (a `fill` its `value` and a "
    "`selector` or `target`, a `navigate` its `url`, `user_create` a `username` and a `password` among its "
    "`parameters`).",
)
_rule(
    "PAN012",
    "config-wrong-type",
    E,
    "a config value has the wrong type or is out of range",
    "For example `timeout: soon` where a number of seconds is needed, `apps:` holding a map instead of a "
    "list, or `quality: 120` (1 to 100). The message says what the key takes.",
)
_rule(
    "PAN013",
    "config-unknown-type",
    E,
    "an app type, action type or platform is not one the config format has",
    "App types are web, desktop and mobile; platforms ios, android, windows, macos and linux; the 27 action "
    "types are listed in docs/convert.md. A close spelling is suggested.",
)
_rule(
    "PAN014",
    "config-duplicate",
    E,
    "a name or key is written twice",
    "Two apps, or two actions of the same list, have the same name, or a YAML map has the same key twice "
    "(YAML readers would keep only the last one silently).",
)
_rule(
    "PAN015",
    "config-no-equivalent",
    W,
    "a config key or action has no equivalent in Panoptic; it is left out",
    "The converted suite runs without it. The help line says what to use instead where there is something "
    "(a command-line option, a statement to write by hand). An action whose statement family is not "
    "installed is reported here too, and kept as a comment in the converted file.",
)
_rule(
    "PAN016",
    "config-plain-secret",
    W,
    "a password or credential is written in plain text",
    "A `password` becomes a `secret` read from an environment variable, with the old value as its default "
    "so that the suite still runs; set the variable and delete the value from both files. Cloud credentials "
    "are not carried over: give them through the provider's environment.",
)
_rule(
    "PAN017",
    "config-unknown-key",
    W,
    "a key is not part of the config format",
    "The key is ignored. It is often a typo; the closest known key is suggested.",
)

# PAN1xx — syntax
_rule(
    "PAN101",
    "unexpected-token",
    E,
    "the parser met a token it did not expect",
    "The text does not follow the grammar here. The message lists what could come next.",
)
_rule(
    "PAN102",
    "unterminated-string",
    E,
    "a string is not closed",
    'A string literal starts with `"` but the line ends before the closing quote.',
)
_rule(
    "PAN103",
    "unexpected-character",
    E,
    "a character that the language does not use",
    "The character cannot start any token of the language.",
)
_rule(
    "PAN104",
    "unclosed-block",
    E,
    "a `{` block is not closed",
    "The file ends while a block opened with `{` is still open.",
)
_rule(
    "PAN105",
    "bad-interpolation",
    E,
    "a `${…}` interpolation is malformed",
    "Inside a string, `${` must be followed by a variable name (dots allowed) and `}`. Write `$${` for a literal `${`.",
)

# PAN2xx — names and structure
_rule(
    "PAN201",
    "unknown-statement",
    E,
    "no statement has this form",
    "The statement's words do not match any registered statement signature, nor a flow call. "
    "See the statement reference for the forms that exist.",
)
_rule(
    "PAN202",
    "undefined-variable",
    E,
    "a variable is used but never defined",
    "Variables come from `let`, `secret`, flow parameters and `for each`.",
)
_rule(
    "PAN203",
    "undefined-flow",
    E,
    "a flow is called but never defined",
    "Flows are defined with `flow NAME(params) { … }` in this file or a `use`d module.",
)
_rule(
    "PAN204",
    "undefined-app",
    E,
    "a scenario runs on an app that is not defined",
    "Apps are declared with `app NAME: web|desktop|mobile { … }`.",
)
_rule(
    "PAN205",
    "duplicate-scenario",
    E,
    "two scenarios of one file have the same title",
    "A scenario is identified by its file and its title (`<file>::<title>`), so titles must be unique within a"
    " file; two files may each have a scenario of the same title.",
)
_rule(
    "PAN206",
    "duplicate-flow",
    E,
    "two flows have the same name",
    "A flow name may be defined once across a file and the modules it uses.",
)
_rule("PAN207", "duplicate-app", E, "two apps have the same name", "An app name may be declared once.")
_rule(
    "PAN208",
    "duplicate-variable",
    E,
    "a variable is defined twice in one scope",
    "A `let` or `secret` name may be defined once per scope.",
)
_rule(
    "PAN209",
    "unknown-module",
    E,
    "a `use`d module cannot be found",
    '`use std.NAME` loads `stdlib/NAME.pan` shipped with Panoptic; `use "./path.pan"` loads a file '
    "relative to the current file.",
)
_rule(
    "PAN210",
    "import-cycle",
    E,
    "modules `use` each other in a cycle",
    "A module may not (directly or indirectly) `use` itself.",
)
_rule(
    "PAN211",
    "recursive-flow",
    E,
    "a flow calls itself",
    "Flows are expanded at run time; a flow that (directly or indirectly) calls itself never ends.",
)
_rule("PAN212", "unreachable", W, "a statement can never run", "Statements after `fail` in the same block never run.")
_rule("PAN213", "unused-variable", W, "a `let` or `secret` is never used", "Remove the definition or use it.")
_rule(
    "PAN214",
    "unused-flow",
    W,
    "a flow is never called",
    "Flows defined in a scenario file but never called are dead code. Flows of `use`d modules are not reported.",
)
_rule(
    "PAN215",
    "misplaced-declaration",
    E,
    "a declaration or block is where it cannot be",
    "For example `else` without an `if`, a block on a statement that takes none, or a statement that "
    "needs a block without one.",
)
_rule(
    "PAN216",
    "missing-app",
    E,
    "a scenario names no app and there is no single app to default to",
    'Write `scenario "title" on APP { … }`; the app may be left out only when exactly one app is declared.',
)

_rule(
    "PAN217",
    "unknown-platform",
    E,
    "an app names a platform that does not exist",
    "Built-in platforms are `web`, `desktop` and `mobile`; plugins add more.",
)

_rule(
    "PAN218",
    "too-deep",
    E,
    "blocks, `else if` chains, values or flow calls nest too deeply",
    "Blocks and `else if` links may nest 100 deep, lists, maps and function calls 100 deep, and a chain of "
    "flows each calling the next 100 long, so that checking, formatting and running never exhaust the stack. "
    "The deepest part is reported; move inner steps into a flow, build a value in parts, or call flows one "
    "after another. (Chains of `use` files have no limit.)",
)

# PAN3xx — arguments, types and capabilities
_rule(
    "PAN301",
    "wrong-argument-type",
    E,
    "an argument has the wrong type",
    "For example a number where a duration is needed (`wait 5` instead of `wait 5s`).",
)
_rule(
    "PAN302",
    "wrong-arity",
    E,
    "a flow or function is called with the wrong number of arguments",
    "The call passes more or fewer arguments than the definition has parameters.",
)
_rule(
    "PAN303",
    "unknown-setting",
    E,
    "an app has a setting its platform does not know",
    "Each platform accepts a fixed set of settings; see the language reference.",
)
_rule(
    "PAN304",
    "missing-setting",
    E,
    "an app lacks a setting its platform needs",
    "For example a web app needs `url` or `serve`; a desktop app needs `command`.",
)
_rule(
    "PAN305",
    "bad-setting-value",
    E,
    "an app setting has a value of the wrong type or range",
    "For example `viewport: 1280` instead of `viewport: 1280x720`, a `viewport` of 0x0, `timeout: 0s`, "
    "a `confidence` outside 0 to 1, or `serve` of `/` or the home folder (which would publish every file).",
)
_rule(
    "PAN306",
    "unsupported-on-platform",
    E,
    "the app's platform cannot do this statement",
    "Each backend declares its capabilities; a statement the app's backend lacks is rejected at check time "
    "instead of doing nothing at run time.",
)
_rule(
    "PAN307",
    "missing-file",
    E,
    "a file named in the source does not exist",
    "Image targets, `serve` folders and other referenced files are resolved relative to the `.pan` file.",
)
_rule(
    "PAN308",
    "bad-statement-arguments",
    E,
    "a statement's words are known but its arguments do not fit",
    "The statement starts like a registered one, but what follows does not match its signature.",
)
_rule(
    "PAN309",
    "invalid-value",
    E,
    "a value is out of range or malformed",
    "For example a negative repeat count, a number of more than 12 digits, `scroll down by -5`, or an invalid "
    'regular expression in `expect url matches "([a"`.',
)
_rule(
    "PAN310",
    "secret-in-output",
    W,
    "a secret is interpolated into text that is logged or saved",
    "Secret values are masked in reports, but a secret interpolated into a log line or an artifact name "
    "leaks its value into places masking cannot reach.",
)
_rule(
    "PAN311",
    "unknown-function",
    E,
    "a function call names no known function",
    "Built-in functions: see the language reference (`env`, `uuid`, `timestamp`, …).",
)
_rule(
    "PAN312",
    "unsupported-target",
    E,
    "the app's platform cannot find this kind of target",
    "For example `role` targets exist on the web only.",
)

# PAN5xx — style (fixable by `panoptic fmt`)
_rule(
    "PAN501",
    "not-formatted",
    W,
    "the file is not in canonical format",
    "`panoptic fmt` rewrites it; `panoptic fmt --diff` shows the change.",
)
_rule(
    "PAN502",
    "naming",
    W,
    "a flow or variable name is not snake_case",
    "Flow, variable and app names are written in snake_case.",
)
_rule("PAN503", "empty-block", W, "a scenario or flow has no statements", "An empty block tests nothing.")

# PAN9xx — run-time failures
_rule(
    "PAN900",
    "internal-error",
    E,
    "an unexpected error inside Panoptic",
    "This is a bug in Panoptic; the message carries the underlying error.",
)
_rule(
    "PAN901",
    "assertion-failed",
    E,
    "an `expect` did not hold within its timeout",
    "The expectation was retried until the timeout; the report shows expected and actual values.",
)
_rule(
    "PAN902",
    "target-not-found",
    E,
    "a target did not appear within the timeout",
    "The backend could not find the target; similar targets on screen are listed as candidates.",
)
_rule(
    "PAN903",
    "navigation-failed",
    E,
    "a page or URL could not be opened",
    "The server did not answer, refused the connection or returned an error.",
)
_rule(
    "PAN904",
    "backend-crashed",
    E,
    "the browser, app or device session died",
    "The scenario errors; other scenarios still run on a fresh session.",
)
_rule("PAN905", "explicit-fail", E, "a `fail` statement ran", "The scenario failed on purpose.")
_rule(
    "PAN906",
    "infrastructure",
    E,
    "a required component is missing or unreachable",
    "For example no Chromium, no Xvfb or no Appium server. `panoptic doctor` prints the fix.",
)
_rule("PAN907", "interrupted", E, "the run was interrupted", "Ctrl-C or a signal stopped the run.")
_rule(
    "PAN908", "timeout", E, "a step or scenario exceeded its time limit", "The step did not finish within its timeout."
)
_rule(
    "PAN909",
    "action-failed",
    E,
    "an action could not be performed",
    "The target was found but the action failed (for example not editable, or not an option).",
)
_rule(
    "PAN910",
    "artifact-failed",
    W,
    "an artifact could not be written",
    "A screenshot, video or trace could not be saved; the run goes on.",
)


def diagnostic(
    code: str,
    message: str,
    span: Span | None,
    *,
    help: str | None = None,
    labels: tuple[Label, ...] = (),
    fix: Fix | None = None,
    severity: Severity | None = None,
    notes: tuple[str, ...] = (),
) -> Diagnostic:
    """Build a diagnostic for a registered code (its default severity unless given)."""
    rule = RULES[code]
    return Diagnostic(code, severity or rule.severity, message, span, labels, help, fix, notes)
