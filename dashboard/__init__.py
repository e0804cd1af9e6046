"""carbonwall's wiring: app factory, settings, CLI, scheduler, HTTP API."""
