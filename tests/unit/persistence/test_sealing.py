"""Bot tokens sealed with Fernet: the newest key seals, every configured key opens."""

from __future__ import annotations

import pytest

from adapters.persistence.sealing import TokenSealer


def test_a_sealed_token_hides_the_secret_and_opens_again() -> None:
    sealer = TokenSealer(["k1"])
    sealed = sealer.seal("xoxb-secret")
    assert "xoxb-secret" not in sealed
    assert sealer.seal("xoxb-secret") != sealed  # random IV: equal tokens look different
    assert sealer.unseal(sealed) == "xoxb-secret"


def test_adding_a_new_key_in_front_keeps_old_tokens_readable_and_rotate_moves_them() -> None:
    old = TokenSealer(["old"]).seal("xoxb-1")
    both = TokenSealer(["new", "old"])
    assert both.unseal(old) == "xoxb-1"
    rotated = both.rotate(old)
    assert TokenSealer(["new"]).unseal(rotated) == "xoxb-1"
    with pytest.raises(ValueError, match="no configured key"):
        TokenSealer(["new"]).unseal(old)


def test_a_value_that_was_never_sealed_is_refused() -> None:
    with pytest.raises(ValueError, match="not a sealed value"):
        TokenSealer(["k"]).unseal("xoxb-plain")
    with pytest.raises(ValueError, match="at least one"):
        TokenSealer([])


def test_a_value_opened_once_is_not_decrypted_again() -> None:
    sealer = TokenSealer(["k1"])
    sealed = sealer.seal("xoxb-secret")
    opened: list[bytes] = []
    fernet = sealer._fernet

    class Counting:
        def decrypt(self, token: bytes) -> bytes:
            opened.append(token)
            return fernet.decrypt(token)

    sealer._fernet = Counting()  # type: ignore[assignment]
    assert [sealer.unseal(sealed) for _ in range(3)] == ["xoxb-secret"] * 3
    assert len(opened) == 1
    with pytest.raises(ValueError, match="no configured key"):
        TokenSealer(["other"]).unseal(sealed)  # kept per sealer: another key still refuses
