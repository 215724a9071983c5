"""HTTPS with a self-signed county certificate made here, pinned by its SHA-256 fingerprint;
plain HTTP refused anywhere but loopback."""

from __future__ import annotations

import ipaddress
import os
import selectors
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from county.cli import main as county
from county.config import CountyConfig
from county.testing import RunningServer, serve_in_thread
from county.tls import fingerprint_der, is_loopback, normalise_fingerprint

REPO = Path(__file__).resolve().parent.parent


def make_self_signed(directory: Path, name: str = "county.test") -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / f"{name}.pem"
    key_path = directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture
def cert(tmp_path: Path) -> tuple[Path, Path]:
    return make_self_signed(tmp_path)


@pytest.fixture
def tls_server(tmp_path: Path, cert: tuple[Path, Path]) -> Iterator[RunningServer]:
    with serve_in_thread(CountyConfig.build(tmp_path / "county"), tls_cert=cert[0],
                         tls_key=cert[1]) as srv:
        yield srv


def peer_fingerprint(response: httpx.Response) -> str:
    ssl_object = response.extensions["network_stream"].get_extra_info("ssl_object")
    der = ssl_object.getpeercert(True)  # positional: the low-level _SSLSocket too
    assert der
    return fingerprint_der(der)


def test_kiosk_pins_the_fingerprint_county_prints(
        tls_server: RunningServer, cert: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert county(["cert-fingerprint", str(cert[0])]) == 0
    printed = capsys.readouterr().out.strip()
    assert len(printed.split(":")) == 32

    # A pinning kiosk trusts no CA: it checks the certificate it got against the pin.
    with httpx.Client(verify=False, timeout=10) as c:
        r = c.get(f"{tls_server.base_url}/api/v1/health")
        assert r.status_code == 200
        assert normalise_fingerprint(peer_fingerprint(r)) == normalise_fingerprint(printed)

    # Trusting the county certificate as the only anchor works as well, and the whole
    # enrolment and a credentialed request go over TLS.
    _, token = tls_server.enrol("kiosk over TLS")
    with tls_server.client(token) as c:
        assert c.get("/api/v1/status").status_code == 200

    other_cert, _ = make_self_signed(tls_server.config.data_dir, "impostor.test")
    assert county(["cert-fingerprint", str(other_cert)]) == 0
    assert capsys.readouterr().out.strip() != printed


def test_tls_port_does_not_speak_plain_http_and_untrusted_certs_fail(
        tls_server: RunningServer) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(tls_server.base_url.replace("https://", "http://") + "/api/v1/health",
                  timeout=5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{tls_server.base_url}/api/v1/health", verify=ssl.create_default_context(),
                  timeout=5)


def test_plain_http_is_refused_off_loopback(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data", str(tmp_path / "county")]
    for host in ("0.0.0.0", "::", "192.0.2.10", "county.example"):
        assert county(["serve", "--host", host, "--port", "1", *data]) == 2
        err = capsys.readouterr().err
        assert f"refusing to serve plain HTTP on {host}" in err
        assert "--tls-cert" in err
    cert_path, key_path = make_self_signed(tmp_path)
    assert county(["serve", "--host", "0.0.0.0", "--tls-cert", str(cert_path), *data]) == 1
    assert "go together" in capsys.readouterr().err
    assert county(["cert-fingerprint", str(key_path)]) == 1
    assert "no readable X.509 certificate" in capsys.readouterr().err

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.8.9.10") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    """Read the server's stderr until `needle` appears; bounded by `timeout`."""
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not sel.select(timeout=left):
                break
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if needle in line:
                return lines
    raise AssertionError(f"server did not report {needle!r}; it said:\n{''.join(lines)}")


def test_county_serve_command_speaks_tls(tmp_path: Path, cert: tuple[Path, Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()
    data = tmp_path / "county"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "county", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data", str(data), "--tls-cert", str(cert[0]), "--tls-key", str(cert[1]), "-v"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = _wait_for_line(proc, f"Uvicorn running on https://127.0.0.1:{port}", timeout=60)
        assert county(["cert-fingerprint", str(cert[0])]) == 0
        fp = capsys.readouterr().out.strip()
        assert any(fp in line for line in said), said

        assert county(["enrol-code", "--data", str(data)]) == 0
        code = capsys.readouterr().out.strip()
        trust = ssl.create_default_context(cafile=str(cert[0]))
        base = f"https://127.0.0.1:{port}"
        r = httpx.post(f"{base}/api/v1/enrol", json={"code": code, "device_name": "k"},
                       verify=trust, timeout=10)
        assert r.status_code == 201, r.text
        r = httpx.get(f"{base}/api/v1/status", verify=trust, timeout=10,
                      headers={"Authorization": f"Bearer {r.json()['token']}"})
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
