"""Diagnostics: the record, the rule registry and the renderers."""

from panoptic.diagnostics.model import Diagnostic, Fix, Label, Severity, did_you_mean
from panoptic.diagnostics.rules import RULES, Rule, diagnostic

__all__ = ["RULES", "Diagnostic", "Fix", "Label", "Rule", "Severity", "diagnostic", "did_you_mean"]
