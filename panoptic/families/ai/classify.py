"""Failures in plain words: each failure is put in one class with an explanation and suggestions.

Classes: timeout, not-found, not-actionable (covered, disabled, hidden, several matches), network, auth,
assertion, script-error, crash, infrastructure, other. The class comes from the failure's code first and
its message second (the web backend's messages say "disabled", "net::ERR_…", "answered HTTP 401", …);
the suggestions come from the failure itself (did-you-mean candidates, expected and actual values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

EXPLANATIONS = {
    "timeout": "the step waited for its whole timeout and the condition never held",
    "not-found": "no element matched the target: it is missing, renamed, or not there yet",
    "not-actionable": "the element exists but could not be used: disabled, hidden, covered or ambiguous",
    "network": "the page or a request it needed could not be loaded (server down, wrong URL, HTTP error)",
    "auth": "the server refused access (HTTP 401/403, a sign-in page instead of the expected one)",
    "assertion": "the app answered, but not what the scenario expects",
    "script-error": "the page's own JavaScript failed (uncaught errors, console errors)",
    "crash": "the browser, the app or the device session died during the step",
    "infrastructure": "a part of the test machine is missing or broken (browser, display, Appium, Tesseract)",
    "other": "the step failed for a reason the classifier does not know",
}


@dataclass(frozen=True)
class Explanation:
    """One failure, classified."""

    category: str
    explanation: str
    suggestions: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "explanation": self.explanation, "suggestions": list(self.suggestions)}


_AUTH = re.compile(r"\b(401|403)\b|unauthori[sz]ed|forbidden|access denied", re.I)
_NETWORK = re.compile(r"net::ERR_|ERR_[A-Z_]+|connection refused|answered HTTP [45]\d\d|failed: net|ECONNREFUSED", re.I)
_NOT_ACTIONABLE = re.compile(
    r"disabled|not visible|not editable|intercepts pointer events|covered|elements match|resolved to \d+ elements",
    re.I,
)
_TIMEOUT = re.compile(r"within \d|timed? ?out|timeout", re.I)


def category(code: str, message: str) -> str:
    """The class of a failure from its code and message."""
    if code == "PAN904":
        return "crash"
    if code == "PAN906":
        return "infrastructure"
    if code == "PAN920":
        return "network" if re.search(r"\b(request|http):", message) and "page:" not in message else "script-error"
    if _AUTH.search(message):
        return "auth"
    if code == "PAN903" or _NETWORK.search(message):
        return "network"
    if _NOT_ACTIONABLE.search(message):
        return "not-actionable"
    if code == "PAN902" or message.startswith("no element matches"):
        return "not-found"
    if code == "PAN901":
        return "assertion"
    if code == "PAN908" or _TIMEOUT.search(message):
        return "timeout"
    return "other"


def explain(failure: dict[str, Any]) -> Explanation:
    """Classify one failure record (as `Failure` is stored in results.jsonl.gz)."""
    code = str(failure.get("code") or "")
    message = str(failure.get("message") or "")
    cat = category(code, message)
    hints: list[str] = []
    candidates = [str(c) for c in failure.get("candidates") or ()]
    if cat == "not-found" and candidates:
        hints.append("near matches on the page: " + ", ".join(candidates[:3]))
    if cat == "not-found":
        hints.append("if the element was renamed, update the target (or run with `heal: on`)")
    if cat == "not-actionable":
        if "disabled" in message.lower():
            hints.append("wait until it is enabled (`expect … enabled within 5s`) or find why it stays disabled")
        elif "elements match" in message or "resolved to" in message:
            hints.append("make the target name one element: a test id, a role with its name, or exact text")
        else:
            hints.append("another element may cover it: close overlays first, or scroll it into view")
    if cat == "assertion" and failure.get("expected") is not None:
        hints.append(f"expected {failure.get('expected')}, saw {failure.get('actual')}")
    if cat == "network":
        hints.append("check that the server is running and the URL is right")
    if cat == "auth":
        hints.append("sign in first (a flow), or check the credentials the scenario uses")
    if cat == "script-error":
        hints.append("open the page's console (or the trace) to see the stack; allow known noise with `except`")
    if cat == "timeout":
        hints.append("give the step more time with `within`, or wait for what it depends on first")
    if cat == "crash":
        hints.append("run it again alone and with --headed; a repeatable crash is the page's or the driver's bug")
    if cat == "infrastructure":
        hints.append("run `panoptic doctor` and install what it reports missing")
    if failure.get("help"):
        hints.append(str(failure["help"]))
    return Explanation(cat, EXPLANATIONS[cat], tuple(dict.fromkeys(hints)))


def explain_results(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every failed scenario of a results file with its failing step and classification."""
    started: dict[str, dict[str, Any]] = {}
    steps: dict[tuple[str, str], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for rec in records:
        kind = rec.get("kind")
        if kind == "scenario_started":
            started[rec["scenario"]] = rec
        elif kind == "step_started":
            steps[(rec["scenario"], rec["path"])] = rec
        elif kind == "step_finished" and rec.get("failure"):
            step = steps.get((rec["scenario"], rec["path"]), {})
            started.setdefault(rec["scenario"], {})["failed_step"] = step.get("text", "")
        elif kind == "scenario_finished" and rec.get("failure") and rec.get("status") in ("failed", "error"):
            info = started.get(rec["scenario"], {})
            failure = rec["failure"]
            item = {
                "scenario": info.get("title") or rec["scenario"],
                "file": info.get("file", ""),
                "attempt": rec.get("attempt"),
                "step": info.get("failed_step", ""),
                "code": failure.get("code"),
                "message": failure.get("message"),
            }
            item.update(explain(failure).to_json())
            out.append(item)
    return out
