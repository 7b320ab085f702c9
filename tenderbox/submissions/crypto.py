"""Envelope encryption of tenders, with the `cryptography` package's primitives only.

See docs/decisions/0004-sealed-tenders.md. In short:

- A master key (TENDERBOX_MASTER_KEY, 32 random bytes, base64) lives outside the database; in
  production it comes from the environment (a KMS can supply it).
- Each procurement has an X25519 key pair. The public key is stored as it is; the private key is
  stored wrapped (AES-256-GCM under a key derived from the master key with HKDF, bound to the
  procurement's id).
- Submitting seals the response to the public key with HPKE (RFC 9180: X25519, HKDF-SHA256,
  AES-256-GCM), so the submitting code never holds a key that can read tenders. Only `open_sealed`,
  called by the opening step after the four-eyes opening, unwraps the private key.
- Drafts (the supplier's working copy) and uploaded documents are encrypted with AES-256-GCM under
  keys derived from the master key, so a database dump or the file store yields only ciphertext.
"""

import base64
import os
from functools import cache

from cryptography.hazmat.primitives import hashes, hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
NONCE_BYTES = 12


class SealedError(Exception):
    """Sealed content was asked for before the tenders were opened."""


@cache
def _master_key() -> bytes:
    key = base64.b64decode(settings.TENDERBOX_MASTER_KEY)
    if len(key) != 32:
        raise ValueError("TENDERBOX_MASTER_KEY must be 32 bytes, base64-encoded.")
    return key


def derive_key(purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tenderbox", info=purpose.encode()).derive(
        _master_key()
    )


def aes_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aes_decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)


def new_procurement_keypair(procurement_id: int) -> tuple[bytes, bytes]:
    """(public key, wrapped private key) for a procurement."""
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    wrapped = aes_encrypt(
        derive_key("procurement-private-key"), raw_private, _aad("procurement", procurement_id)
    )
    return public, wrapped


def _aad(kind: str, *ids) -> bytes:
    return ":".join([kind, *map(str, ids)]).encode()


def seal(public_key: bytes, plaintext: bytes, *, procurement_id: int, version_id: str) -> bytes:
    """Encrypt to the procurement's public key; bound to the procurement and version by HPKE's info."""
    return SUITE.encrypt(
        plaintext,
        X25519PublicKey.from_public_bytes(public_key),
        info=_aad("tender", procurement_id, version_id),
    )


def open_sealed(
    wrapped_private_key: bytes, sealed: bytes, *, procurement_id: int, version_id: str, opened: bool
) -> bytes:
    """Decrypt a sealed tender. Refused unless the procurement's tenders have been opened."""
    if not opened:
        raise SealedError("Tenders stay sealed until they are opened after the deadline.")
    raw = aes_decrypt(
        derive_key("procurement-private-key"), wrapped_private_key, _aad("procurement", procurement_id)
    )
    private = X25519PrivateKey.from_private_bytes(raw)
    return SUITE.decrypt(sealed, private, info=_aad("tender", procurement_id, version_id))


def draft_encrypt(response_id: int, plaintext: bytes) -> bytes:
    return aes_encrypt(derive_key("response-draft"), plaintext, _aad("draft", response_id))


def draft_decrypt(response_id: int, blob: bytes) -> bytes:
    return aes_decrypt(derive_key("response-draft"), blob, _aad("draft", response_id))


def new_file_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def file_encrypt(file_key: bytes, content: bytes, *, document_id: str) -> bytes:
    return aes_encrypt(file_key, content, _aad("document", document_id))


def file_decrypt(file_key: bytes, blob: bytes, *, document_id: str) -> bytes:
    return aes_decrypt(file_key, blob, _aad("document", document_id))


def wrap_file_key(file_key: bytes, *, document_id: str) -> bytes:
    """A document's key, wrapped for the supplier's draft (the sealed version carries it too)."""
    return aes_encrypt(derive_key("document-key"), file_key, _aad("document-key", document_id))


def unwrap_file_key(wrapped: bytes, *, document_id: str) -> bytes:
    return aes_decrypt(derive_key("document-key"), wrapped, _aad("document-key", document_id))


def generate_master_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
