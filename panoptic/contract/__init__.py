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
| `family` | statement families: statements, rules, check hook, run handler, lifecycle |
| `plugins` | entry point loading with failures reported |
"""

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
