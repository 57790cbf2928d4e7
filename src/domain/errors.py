"""Domain errors. Each says, in words a user can read, why something was refused."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal raised by the mentoring core."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The values given break a rule (empty text, too many slots, unknown option...)."""


class NotAllowed(DomainError):
    """The actor exists but may not do this (not the addressed mentor, not a participant...)."""


class IllegalTransition(DomainError):
    """The subject is in a state that does not allow this (already accepted, expired...)."""


class NotFound(DomainError):
    """No such subject, or not one the actor's organization can see."""


class ConcurrencyConflict(DomainError):
    """Someone else changed the subject first; the loser gets this instead of a silent overwrite."""
