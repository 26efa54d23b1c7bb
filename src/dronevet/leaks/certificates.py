"""Server certificates seen in TLS 1.2 handshakes: subject, issuer and DNS names (SANs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dronevet.capture.packets import LinkLayerError

if TYPE_CHECKING:
    from cryptography import x509


@dataclass(frozen=True, slots=True)
class Certificate:
    """Who a certificate names and who vouches for it."""

    subject: str
    issuer: str
    names: tuple[str, ...]
    """The DNS names it is valid for (subjectAltName), else its common name."""


def _common(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        found = name.get_attributes_for_oid(oid)
        if found:
            return str(found[0].value)
    return name.rfc4514_string()


def read(der: bytes) -> Certificate:
    """Read a DER certificate; `LinkLayerError` when it is not one. (`cryptography`'s X.509
    code is imported here, on the first certificate: most captures show none.)"""
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
        subject, issuer = _common(cert.subject), _common(cert.issuer)
        try:
            alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            names = tuple(alt.value.get_values_for_type(x509.DNSName))
        except x509.ExtensionNotFound:
            names = ()
    except ValueError:
        raise LinkLayerError("server certificate unreadable") from None
    return Certificate(subject, issuer, names or (subject,))
