"""The contract between the stages: what the compiler, the runtime, backends, families and reports exchange.

This package is the bottom of the stack (it imports only `panoptic.source`,
`panoptic.frozen` and, for type checking, `panoptic.diagnostics`):

| module | holds |
| --- | --- |
| `platform` | platform specs (settings, capabilities, target kinds) and the one platform lookup |
| `backend` | the backend protocol, resolved targets, the scenario context |
| `app` | the app definition |
| `artifacts` | files written during a run |
| `errors` | the run-time error family (PAN9xx) |
| `statements` | statement signatures |
| `family` | statement families: statements, rules, check hook, the names of run handler and commands |
| `steps` | what a family runtime gets and gives at run time (contexts, results, lifecycle) |
| `plugins` | entry point loading with failures reported |
"""

from typing import TYPE_CHECKING

# Names re-exported lazily: `panoptic check` imports only the contract modules it uses.
_WHERE = {
    "AppDef": "app",
    "Artifact": "artifacts",
    "Backend": "backend",
    "ResolvedTarget": "backend",
    "ScenarioContext": "backend",
    "ActionFailed": "errors",
    "AssertionFailed": "errors",
    "BackendCrashed": "errors",
    "ExplicitFail": "errors",
    "InfrastructureError": "errors",
    "NavigationFailed": "errors",
    "StepError": "errors",
    "StepTimeout": "errors",
    "TargetNotFound": "errors",
    "PlatformSpec": "platform",
    "SettingSpec": "platform",
    "load_backend_class": "platform",
    "platforms": "platform",
}

if TYPE_CHECKING:
    from panoptic.contract.app import AppDef
    from panoptic.contract.artifacts import Artifact
    from panoptic.contract.backend import Backend, ResolvedTarget, ScenarioContext
    from panoptic.contract.errors import (
        ActionFailed,
        AssertionFailed,
        BackendCrashed,
        ExplicitFail,
        InfrastructureError,
        NavigationFailed,
        StepError,
        StepTimeout,
        TargetNotFound,
    )
    from panoptic.contract.platform import PlatformSpec, SettingSpec, load_backend_class, platforms


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'panoptic.contract' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"panoptic.contract.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ActionFailed",
    "AppDef",
    "Artifact",
    "AssertionFailed",
    "Backend",
    "BackendCrashed",
    "ExplicitFail",
    "InfrastructureError",
    "NavigationFailed",
    "PlatformSpec",
    "ResolvedTarget",
    "ScenarioContext",
    "SettingSpec",
    "StepError",
    "StepTimeout",
    "TargetNotFound",
    "load_backend_class",
    "platforms",
]
