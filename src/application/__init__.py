"""Use cases (one module per workflow) and the ports they need (ports.py)."""
