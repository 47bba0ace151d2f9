"""The optional language-model step: `ai "…"` through an OpenAI-compatible chat completions endpoint.

Configuration comes from the environment: PANOPTIC_AI_URL (the API base, e.g.
http://127.0.0.1:8000/v1), PANOPTIC_AI_KEY (sent as a bearer token and masked
in every output), PANOPTIC_AI_MODEL (default "default"). The model gets the
instruction and the page's named elements (numbered, with role, name, label,
test id) and must answer with one JSON action:

    {"action": "click" | "fill" | "check" | "uncheck" | "select" | "press", "element": 3, "text": "…"}

The element is then targeted the way `panoptic generate` targets it (test id,
role and name, label, placeholder, id: the first that names it alone) and the
action goes to the web backend like any other step. Nothing else in Panoptic
needs the endpoint.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from typing import Any

from panoptic.contract.family import StepContext, StepResult
from panoptic.families.ai.errors import EndpointFailed, EndpointMissing

ACTIONS = ("click", "fill", "check", "uncheck", "select", "press")
SYSTEM_PROMPT = (
    "You operate a web page for a test. You get an instruction and the page's elements, numbered. "
    'Answer with exactly one JSON object: {"action": one of ' + ", ".join(ACTIONS) + ', "element": the number, '
    '"text": the text to fill, the option to select or the key to press (omit it for click, check, uncheck)}.'
)
MAX_ELEMENTS = 200


def _config(step: StepContext) -> tuple[str, str | None, str]:
    url = os.environ.get("PANOPTIC_AI_URL", "").strip()
    if not url:
        raise EndpointMissing(
            "`ai` steps need a language-model endpoint, and PANOPTIC_AI_URL is not set",
            help="set PANOPTIC_AI_URL to an OpenAI-compatible API base (e.g. http://127.0.0.1:8000/v1) "
            "and PANOPTIC_AI_KEY if it needs a key",
        )
    key = os.environ.get("PANOPTIC_AI_KEY") or None
    if key:
        step.register_secret(key)
    return url.rstrip("/"), key, os.environ.get("PANOPTIC_AI_MODEL", "default")


def ask(url: str, key: str | None, model: str, instruction: str, elements: list[dict[str, Any]], timeout: float) -> str:
    """Send one chat completion request and return the answer's text (EndpointFailed on any failure)."""
    body = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": json.dumps({"instruction": instruction, "elements": elements})},
        ],
    }
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(
        url + "/chat/completions", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise EndpointFailed(f"the language-model endpoint answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointFailed(
            f"the language-model endpoint at {url} did not answer: {reason}", help="check PANOPTIC_AI_URL"
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise EndpointFailed("the language-model endpoint did not answer JSON") from None
    try:
        return str(data["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError):
        raise EndpointFailed("the language-model endpoint's answer has no choices[0].message.content") from None


def parse_action(answer: str, count: int) -> dict[str, Any]:
    """The action in a model's answer (the first JSON object in it); EndpointFailed when there is none."""
    found = re.search(r"\{.*\}", answer, re.S)
    try:
        action = json.loads(found.group(0)) if found else None
    except ValueError:
        action = None
    if not isinstance(action, dict) or action.get("action") not in ACTIONS:
        raise EndpointFailed(f"the model's answer is not one action: {answer[:200]!r}")
    element = action.get("element")
    if not isinstance(element, int) or not 0 <= element < count:
        raise EndpointFailed(f"the model chose no element of the page: {answer[:200]!r}")
    if action["action"] in ("fill", "select", "press") and not isinstance(action.get("text"), str):
        raise EndpointFailed(f"the model's `{action['action']}` has no text: {answer[:200]!r}")
    return action


def instruct(instruction: str, step: StepContext) -> StepResult:
    """Run one `ai "…"` step: ask the model, then perform the action it chose on the page."""
    from panoptic.families.ai.generate import candidates
    from panoptic.families.ai.services import page_services

    url, key, model = _config(step)
    services = page_services(step)
    if services is None or step.backend is None:
        raise EndpointFailed(f"`ai` steps cannot run on a {step.app.platform} app")
    elements = [e for e in services.snapshot().elements if e.interactive and candidates(e)][:MAX_ELEMENTS]
    listed = [
        {
            k: v
            for k, v in {
                "element": i,
                "role": e.role,
                "name": e.name,
                "label": e.label,
                "testid": e.testid,
                "placeholder": e.placeholder,
                "text": e.text[:60],
            }.items()
            if v != ""
        }
        for i, e in enumerate(elements)
    ]
    answer = ask(url, key, model, instruction, listed, max(step.timeout, 5.0))
    action = parse_action(answer, len(elements))
    chosen = elements[action["element"]]
    target = next(
        (t for t in candidates(chosen) if step.backend.query("query.count", {"target": t}) == 1),
        None,
    )
    if target is None:
        raise EndpointFailed(f"the element the model chose ({chosen.role} {chosen.name!r}) has no unique target")
    verb = action["action"]
    args: dict[str, Any] = {"target": target}
    if verb == "fill":
        args["text"] = action["text"]
    elif verb == "select":
        args["value"] = action["text"]
    elif verb == "press":
        args["key"] = action["text"]
    step.backend.perform(verb, args, step.timeout)
    said = f" {action['text']!r}" if "text" in action and verb != "click" else ""
    return StepResult(message=step.mask(f"{verb}{said} on {target.describe()}"))
