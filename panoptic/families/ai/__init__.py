"""The AI family: vision reports, error analysis, test generation, and an optional language-model step.

Everything here is deterministic and offline by default: `vision report`
reads pixels with Tesseract and OpenCV (and, on the web, the DOM's own boxes),
`expect no errors` checks what the browser logged, and `panoptic generate` /
`panoptic explain` work from the live page and the results file. Only
`ai "…"` talks to a language model, and only when an endpoint is configured.

This module and the check hook import nothing heavy: `panoptic check` stays fast.
"""

from __future__ import annotations

from panoptic.contract.family import Family
from panoptic.contract.statements import statement_def
from panoptic.diagnostics.model import Severity
from panoptic.diagnostics.rules import rule as _rule

RULES = (
    _rule(
        "PAN400",
        "empty-vision-report-name",
        Severity.ERROR,
        "`vision report` needs a non-empty name",
        """The name becomes the file names of the report's JSON and annotated picture and its title in the
        HTML report. Give a short name such as `vision report "home page"`.""",
    ),
    _rule(
        "PAN401",
        "errors-need-web",
        Severity.ERROR,
        "`expect no errors` runs only on web apps",
        """Console errors, uncaught page errors, failed requests and HTTP responses of 400 and above are read
        from the browser; desktop and mobile drivers expose none of them. Use it in scenarios on a web app.""",
    ),
    _rule(
        "PAN402",
        "bad-error-allow-list",
        Severity.ERROR,
        "the allow-list of `expect no errors except` must be a list of non-empty texts",
        """Each entry is a text that an error's message or URL must contain to be allowed, for example
        `expect no errors except ["favicon.ico", "ResizeObserver"]`.""",
    ),
    _rule(
        "PAN403",
        "empty-ai-instruction",
        Severity.ERROR,
        "an `ai` step needs an instruction",
        """`ai "click the cheapest product"` sends the instruction and the page's named elements to the
        configured language-model endpoint; an empty instruction cannot be turned into an action.""",
    ),
    _rule(
        "PAN404",
        "ai-step-needs-web",
        Severity.ERROR,
        "`ai` steps run only on web apps",
        """The language model chooses among the page's named elements (roles, labels, test ids), which only
        the web backend can list.""",
    ),
    _rule(
        "PAN405",
        "heal-needs-element-targets",
        Severity.ERROR,
        "`heal: on` needs a platform whose targets can be queried",
        """Self-healing compares the fingerprint of a target's element (attributes, text, role, position,
        neighbours) with every element of the live page, which only the web platform can list. Remove `heal:`
        from desktop and mobile apps; on those, use targets that do not change (accessibility ids, images).""",
    ),
    _rule(
        "PAN920",
        "page-errors",
        Severity.ERROR,
        "the page logged errors",
        """`expect no errors` found console errors, uncaught page errors, failed requests or HTTP responses of
        400 and above since the scenario started. The failure lists each one; fix the page, or allow a known
        one with `except ["part of its message or URL"]`.""",
    ),
    _rule(
        "PAN926",
        "heal-apply-failed",
        Severity.ERROR,
        "`panoptic heal --apply` could not rewrite the files",
        """It reads heal.json in the output folder of a run with healed steps and replaces each old target with
        the new one in the source file, then formats the file. The message says what failed: no heal.json (no
        step was healed), a file that changed since the run at the target's place (run again), or a file that
        would not parse after the change.""",
    ),
    _rule(
        "PAN921",
        "ai-endpoint-missing",
        Severity.ERROR,
        "no language-model endpoint is configured",
        """`ai` steps need an OpenAI-compatible endpoint: set PANOPTIC_AI_URL (for example
        http://127.0.0.1:8000/v1) and, when it needs one, PANOPTIC_AI_KEY; PANOPTIC_AI_MODEL picks the model.""",
    ),
    _rule(
        "PAN922",
        "ai-endpoint-failed",
        Severity.ERROR,
        "the language-model endpoint failed or answered something unusable",
        """The endpoint did not answer, answered an HTTP error, or its answer was not one action on one of the
        page's elements. The failure shows what came back.""",
    ),
    _rule(
        "PAN923",
        "vision-report-failed",
        Severity.ERROR,
        "the screen could not be analysed",
        """`vision report` takes a screenshot and reads it with Tesseract and OpenCV. The failure says which
        part failed; `panoptic doctor` checks that both are installed.""",
    ),
    _rule(
        "PAN924",
        "generate-failed",
        Severity.ERROR,
        "`panoptic generate` could not load or describe the page",
        """The page did not load in Chromium (wrong URL, server down) or has nothing to test. The message says
        which; check the URL with a browser.""",
    ),
    _rule(
        "PAN925",
        "explain-failed",
        Severity.ERROR,
        "`panoptic explain` could not read the results",
        """Give the output folder of `panoptic run` (it holds results.jsonl.gz) or the results file itself.""",
    ),
)

_STATEMENTS = (
    statement_def(
        "vision report <name:text>",
        "ai.vision_report",
        "detect what is on the screen (OCR words, control outlines, and on the web the DOM's boxes with roles "
        "and names); writes a JSON file and an annotated picture",
        capability="screenshot",
        family="ai",
        prints=("name",),
        example='vision report "home page"',
    ),
    statement_def(
        "expect no errors [except <allowed:list>]",
        "ai.no_errors",
        "fail when the page logged console errors, uncaught errors, failed requests or HTTP >= 400 responses "
        "since the scenario started (entries of `except` allow errors containing them)",
        family="ai",
        example='expect no errors except ["favicon.ico"]',
    ),
    statement_def(
        "ai <instruction:text>",
        "ai.instruct",
        "let a language model (an OpenAI-compatible endpoint, PANOPTIC_AI_URL) turn an instruction into one "
        "action on the page's named elements",
        family="ai",
        example='ai "click the cheapest product"',
    ),
)

FAMILY = Family(
    name="ai",
    title="AI",
    summary="vision reports, error analysis, test generation and an optional language-model step",
    statements=_STATEMENTS,
    rules=RULES,
    check="panoptic.families.ai.checks:check",
    runtime="panoptic.families.ai.runtime:AiRuntime",
    commands="panoptic.families.ai.cli:register",
    healer="panoptic.families.ai.heal:WebHealer",
    app_settings=("heal",),
    app_check="panoptic.families.ai.checks:check_app",
    docs=(
        "Deterministic and offline by default: `vision report` reads pixels (Tesseract, OpenCV) and the DOM, "
        "`expect no errors` reads what the browser logged, `panoptic generate URL` writes a `.pan` file from a "
        "page and `panoptic explain RESULTS` classifies failures; `heal: on` (or `panoptic run --heal`) heals targets that "
        "changed and `panoptic heal --apply RESULTS` writes the new ones into the files. See docs/ai.md."
    ),
)
