"""The demo PKI of `make run` / `seed_demo` and of the tests, made with `cryptography`:
a root CA, the demo Kepala BKPSDM's signing certificate (in a PKCS#12 file with the
demo passphrase) and a timestamping (TSA) certificate, every subject marked DEMO.

The files go under var/keys/pdf-signing/ (git-ignored, never committed). Production
refuses any chain holding a DEMO subject (lms.checks, `manage.py check --deploy`), as it
refuses to create the credential signing key.

    root.pem       the demo root CA certificate (the "agency's published root")
    signer.p12     the signer's key and certificate, with the root (passphrase)
    chain.pem      signer + root, as published for download
    tsa.p12        the demo TSA's key and certificate (the tests' in-process TSA)
    root-key.pem   the demo root's key (encrypted with the demo passphrase), to issue CRLs
    crl.pem        the demo root's CRL (nothing revoked unless `demo_crl_write` says so):
                   what `LMS_PDF_SIGNING_CRL_FILES` names for PAdES B-LT signatures;
                   re-issued before it runs out (`demo_crl_renew`: seed_demo, the
                   `demo_crl_renew` command, the daily Celery task), never in production
"""

from __future__ import annotations

import dataclasses
import datetime
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

# Every demo subject carries this in its organisational unit; production refuses it.
DEMO_MARK = "DEMO - TIDAK SAH UNTUK PRODUKSI"
DEMO_PASSPHRASE = "demo-bkpsdm"  # noqa: S105 - the demo PKCS#12 file's published passphrase


@dataclass(frozen=True)
class DemoPki:
    directory: Path
    root: Path
    signer: Path
    chain: Path
    tsa: Path
    root_key: Path
    crl: Path


def default_directory() -> Path:
    return Path(settings.BASE_DIR) / "var" / "keys" / "pdf-signing"


def paths(directory: Path | None = None) -> DemoPki:
    directory = directory or default_directory()
    return DemoPki(
        directory=directory,
        root=directory / "root.pem",
        signer=directory / "signer.p12",
        chain=directory / "chain.pem",
        tsa=directory / "tsa.p12",
        root_key=directory / "root-key.pem",
        crl=directory / "crl.pem",
    )


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    # RSA 2048: what BSrE and most agency certificates use, and what every PDF reader
    # validates.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer_key: rsa.RSAPrivateKey,
    ca: bool,
    years: int,
    key_usage: x509.KeyUsage,
    extended: list[x509.ObjectIdentifier] | None = None,
    ocsp_url: str = "",
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(key_usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if not ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if extended:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=True)
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not sign_certificates,  # non-repudiation for the signer
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def demo_pki_create(
    *,
    directory: Path | None = None,
    signer_name: str = "Kepala BKPSDM Kota Bontang (DEMO)",
    agency: str = "Pemerintah Kota Bontang",
    passphrase: str = DEMO_PASSPHRASE,
    overwrite: bool = False,
    signer_file: str | None = None,
    ocsp_url: str = "",
) -> DemoPki:
    """Creates the demo root, signer and TSA (or keeps existing files unless
    `overwrite`). Returns the paths. `ocsp_url` (the tests' local responder) goes in the
    signer's certificate (Authority Information Access); `make run` sets none and stays
    offline, with the demo CRL."""
    files = paths(directory)
    files = dataclasses.replace(files, signer=files.directory / (signer_file or "signer.p12"))
    if files.signer.exists() and files.root.exists() and not overwrite:
        return files
    files.directory.mkdir(parents=True, exist_ok=True)
    # One creator at a time (parallel test workers, two processes starting): without the
    # lock, two creators could leave one's signer beside the other's root.
    with open(files.directory / ".create.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if files.signer.exists() and files.root.exists() and not overwrite:
            return files
        _create(
            files,
            signer_name=signer_name,
            agency=agency,
            passphrase=passphrase,
            ocsp_url=ocsp_url,
        )
    return files


def _create(
    files: DemoPki, *, signer_name: str, agency: str, passphrase: str, ocsp_url: str = ""
) -> None:
    root_key = _key()
    root_name = _name(f"DEMO Root CA {agency}", agency)
    root = _certificate(
        subject=root_name,
        issuer=root_name,
        public_key=root_key.public_key(),
        issuer_key=root_key,
        ca=True,
        years=20,
        key_usage=_usage(sign_certificates=True),
    )
    signer_key = _key()
    signer = _certificate(
        subject=_name(signer_name, agency),
        issuer=root_name,
        public_key=signer_key.public_key(),
        issuer_key=root_key,
        ca=False,
        years=5,
        key_usage=_usage(sign_certificates=False),
        ocsp_url=ocsp_url,
    )
    tsa_key = _key()
    tsa = _certificate(
        subject=_name(f"DEMO TSA {agency}", agency),
        issuer=root_name,
        public_key=tsa_key.public_key(),
        issuer_key=root_key,
        ca=False,
        years=5,
        key_usage=_usage(sign_certificates=False),
        extended=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    pem = serialization.Encoding.PEM
    _write(
        files.signer,
        pkcs12.serialize_key_and_certificates(b"signer", signer_key, signer, [root], encryption),
    )
    _write(
        files.tsa, pkcs12.serialize_key_and_certificates(b"tsa", tsa_key, tsa, [root], encryption)
    )
    _write(files.chain, signer.public_bytes(pem) + root.public_bytes(pem))
    _write(
        files.root_key,
        root_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, encryption),
    )
    _write(files.crl, _crl(root, root_key, revoked=()))
    _write(files.root, root.public_bytes(pem))


# The demo CRL's life: long, so that a demo left alone keeps signing (a real CA's CRL
# lasts days; the agency replaces the file before its nextUpdate, docs/certificates.md);
# `demo_crl_renew` issues it again when less than CRL_RENEW_DAYS_LEFT days are left.
CRL_DAYS = 365


def _crl(
    root: x509.Certificate,
    root_key: rsa.RSAPrivateKey,
    *,
    revoked: tuple[int, ...],
    days: int = CRL_DAYS,
    issued_at: datetime.datetime | None = None,
) -> bytes:
    now = issued_at or datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def demo_crl_write(
    *,
    directory: Path | None = None,
    revoked: tuple[x509.Certificate, ...] = (),
    days: int = CRL_DAYS,
    issued_at: datetime.datetime | None = None,
    passphrase: str = DEMO_PASSPHRASE,
) -> Path:
    """Issues the demo root's CRL again (e.g. revoking the demo signer, for the tests, or
    after `days` ran out) and writes it to crl.pem. Needs root-key.pem (demo PKIs made
    before it existed have none: delete the directory to make a new one)."""
    files = paths(directory)
    root = x509.load_pem_x509_certificate(files.root.read_bytes())
    root_key = serialization.load_pem_private_key(files.root_key.read_bytes(), passphrase.encode())
    if not isinstance(root_key, rsa.RSAPrivateKey):
        raise ValueError("The demo root key is not an RSA key.")
    _write(
        files.crl,
        _crl(
            root,
            root_key,
            revoked=tuple(c.serial_number for c in revoked),
            days=days,
            issued_at=issued_at,
        ),
    )
    return files.crl


# Renewed when less than this is left before its nextUpdate (the daily task, seed_demo).
CRL_RENEW_DAYS_LEFT = 30


def demo_crl_renew(
    *,
    directory: Path | None = None,
    days_left: int = CRL_RENEW_DAYS_LEFT,
    passphrase: str = DEMO_PASSPHRASE,
) -> bool:
    """Issues the demo root's CRL again when crl.pem is missing, unreadable, out of date
    or within `days_left` days of its nextUpdate, keeping the serials it revoked. Safe to
    run twice or at once (a lock; the second finds it fresh). Only a DEMO root's CRL is
    ever written; a PKI without its root key (made before CRLs existed) is left alone.
    Returns whether a new CRL was written."""
    files = paths(directory)
    if not files.root.exists() or not files.root_key.exists():
        return False
    root = x509.load_pem_x509_certificate(files.root.read_bytes())
    if not is_demo([root]):
        return False
    with open(files.directory / ".create.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        revoked: tuple[int, ...] = ()
        try:
            current = x509.load_pem_x509_crl(files.crl.read_bytes())
        except (OSError, ValueError):
            current = None
        if current is not None:
            next_update = current.next_update_utc
            margin = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days_left)
            if next_update is not None and next_update > margin:
                return False
            revoked = tuple(entry.serial_number for entry in current)
        root_key = serialization.load_pem_private_key(
            files.root_key.read_bytes(), passphrase.encode()
        )
        if not isinstance(root_key, rsa.RSAPrivateKey):
            return False
        _write(files.crl, _crl(root, root_key, revoked=revoked))
    return True


def demo_crl_ensure() -> bool:
    """`seed_demo` / `make run`, `manage.py demo_crl_renew` and the daily Celery task:
    renews the demo CRL beside the configured PKCS#12 file when it runs out. Never in
    production (LMS_PDF_SIGNER_DEMO_AUTOCREATE is off there, and only a DEMO root's CRL
    is written)."""
    if settings.LMS_PDF_SIGNER != "local" or not settings.LMS_PDF_SIGNER_DEMO_AUTOCREATE:
        return False
    return demo_crl_renew(directory=Path(settings.LMS_PDF_SIGNER_PKCS12_FILE).parent)


def is_demo(certificates: list[x509.Certificate]) -> bool:
    """Whether any certificate of a chain is a demo one (its subject or issuer carries
    the DEMO mark)."""
    return any(
        DEMO_MARK in certificate.subject.rfc4514_string()
        or DEMO_MARK in certificate.issuer.rfc4514_string()
        for certificate in certificates
    )


def demo_pki_ensure() -> DemoPki | None:
    """For `seed_demo` / `make run`: the demo PKI at the configured PKCS#12 path, made
    for the agency's signer (AgencySettings) when it is missing. Nothing outside
    development and tests (LMS_PDF_SIGNER_DEMO_AUTOCREATE), nor for another backend."""
    from competencies.models import AgencySettings
    from lms import signing

    if settings.LMS_PDF_SIGNER != "local" or not settings.LMS_PDF_SIGNER_DEMO_AUTOCREATE:
        return None
    path = Path(settings.LMS_PDF_SIGNER_PKCS12_FILE)
    if path.exists():
        demo_crl_ensure()
        return None
    agency = AgencySettings.for_default_site()
    files = demo_pki_create(
        directory=path.parent,
        signer_name=f"{agency.signer_name or 'Kepala BKPSDM'} (DEMO)",
        agency=agency.government_name or "Pemerintah Kota Bontang",
        signer_file=path.name,
    )
    signing.reset()
    return files
