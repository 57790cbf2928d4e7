"""Persistence adapters: in-memory (tests), SQLite and PostgreSQL (SQLAlchemy 2 async)."""
