"""The JSON API under /api/v1: bearer-token guard, controllers, msgspec schemas and the
problem responses every refusal becomes."""
