"""Files written during a run, as the stages hand them to each other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Artifact:
    """A file written during a run; `path` is relative to the run's output folder."""

    kind: str  # screenshot, video, trace, html, log, image, json
    path: str
    name: str = ""
