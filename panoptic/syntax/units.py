"""Units users write after numbers, for messages that say how Panoptic writes them (`5 sec` → `5s`)."""

from __future__ import annotations

# A unit word written after a number, and the duration suffix that means the same.
DURATION_WORDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("ms", "msec", "msecs", "millis", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
}
# Units that mean a plain number in Panoptic (`by 200px` is `by 200`).
NUMBER_WORDS = frozenset({"px", "pixel", "pixels", "pt"})


def unit_mistake(written: str, number: str, unit: str) -> tuple[str, str] | None:
    """(message, replacement) for a number written with a unit Panoptic does not take (`written`), or None."""
    word = unit.lower()
    if word in DURATION_WORDS:
        return f"`{written}` is not a duration", f"{number}{DURATION_WORDS[word]}"
    if word in NUMBER_WORDS:
        return f"`{written}` is not a number", number
    return None
