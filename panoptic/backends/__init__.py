"""Platform backends, one subpackage each (web, desktop, mobile), loaded by name from their platform spec."""
