"""Every outbound call's rule (issue 23, item 2): https to public addresses only, checked after resolving the
name, connected to the address that was checked, never following a redirect, failing with one generic text."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError

from lianxin.core import outbound
from tests.receivers import NotHttp, free_port

# A local receiver's answer is waited for generously: a busy machine must not turn an answer into a timeout.
# Only the silent port's test waits for the timeout itself, so it keeps a short one (a longer wait there only
# makes the outcome, a failure, more certain).
LOCAL = 60
SILENT = 5


class Server:
    """A real HTTP server on a loopback address: records each request (method, path, Host header, body) and
    answers ``status`` (with ``location`` when it is a redirect)."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, status: int = 200, location: str = ""
    ) -> None:
        self.hits: list[tuple[str, str, str, bytes]] = []
        self.status, self.location = status, location
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.hits.append((self.command, self.path, self.headers["Host"], body))
                self.send_response(outer.status)
                if outer.location:
                    self.send_header("Location", outer.location)
                payload = b'{"ok":true}'
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _any

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve() -> Iterator:
    """serve(...) → a running Server, stopped after the test."""
    running: list[Server] = []

    def make(*args, **kwargs) -> Server:
        running.append(Server(*args, **kwargs))
        return running[-1]

    yield make
    for server in running:
        server.stop()


class Answers(dict):
    """Names of the test's choosing: ``dns["hook.test"] = [[first answer…], [second answer…]]``, answered in
    turn (the last one repeats); ``asked`` lists the questions."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []


@pytest.fixture
def dns(monkeypatch) -> Answers:
    """A resolver that answers the test's names and asks the system for every other name and address."""
    real = socket.getaddrinfo
    answers = Answers()

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in answers:
            return real(host, port, family, type, proto, flags)
        answers.asked.append(host)
        turn = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in turn
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def local(settings):
    """This machine's loopback allowed, as a town's own intranet receiver would be."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return settings


# --- the address rule, at save and at send --------------------------------------------------------------------
REFUSED_ADDRESSES = [
    "https://127.0.0.1/hook",
    "https://127.8.9.10/",
    "https://10.1.2.3/",
    "https://172.16.5.4/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",  # the cloud's instance metadata
    "https://100.64.0.1/",  # shared address space (carrier-grade NAT)
    "https://0.0.0.0/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://192.0.2.1/",  # documentation
    "https://[::1]/",
    "https://[::]/",
    "https://[fe80::1]/",
    "https://[fc00::1]/",
    "https://[ff02::1]/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "https://[::ffff:a9fe:a9fe]/",  # IPv4-mapped 169.254.169.254
    "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "https://localhost:8000/",  # a name: refused after resolving it
    "https://2130706433/",  # 127.0.0.1 written as one number, as the resolver reads it
    "https://0x7f.1/",
    "https:///no-host",
]


@pytest.mark.parametrize("url", REFUSED_ADDRESSES)
def test_private_loopback_link_local_and_other_non_public_addresses_are_refused(url, settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.check_url(url)
    assert str(caught.value) == outbound.REFUSED
    assert caught.value.detail  # the address and why, for the log
    with pytest.raises(ValidationError):
        outbound.validate_url(url)


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        ("ftp://1.1.1.1/", outbound.USE_HTTPS),
        ("file:///etc/passwd", outbound.USE_HTTPS),
        ("gopher://1.1.1.1:70/", outbound.USE_HTTPS),
        ("http://1.1.1.1/", outbound.USE_HTTPS),
        ("https://user:secret@1.1.1.1/", outbound.NO_USERINFO),
        ("https://user@1.1.1.1/", outbound.NO_USERINFO),
        ("https://169.254.169.254/", outbound.PUBLIC_ONLY),
    ],
)
def test_the_person_who_typed_the_url_is_told_what_to_change(url, advice):
    with pytest.raises(ValidationError) as caught:
        outbound.validate_url(url)
    assert caught.value.messages == [str(advice)]


def test_public_https_addresses_pass_and_http_only_when_the_setting_says_so(settings):
    target = outbound.check_url("https://1.1.1.1/hook?x=1")
    assert (target.host, target.port, target.path, target.addresses) == (
        "1.1.1.1",
        443,
        "/hook?x=1",
        ("1.1.1.1",),
    )
    assert outbound.check_url("https://[2606:4700:4700::1111]:8443/").addresses == ("2606:4700:4700::1111",)
    with pytest.raises(outbound.OutboundError):
        outbound.check_url("http://1.1.1.1/")
    settings.OUTBOUND_ALLOW_HTTP = True
    assert outbound.check_url("http://1.1.1.1/").port == 80


def test_a_towns_own_network_is_let_through_by_the_allow_list_and_nothing_else(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd00:1::/32"]
    assert outbound.check_url("https://10.20.1.2/").addresses == ("10.20.1.2",)
    assert outbound.check_url("https://[fd00:1::5]/").addresses == ("fd00:1::5",)
    for url in ("https://10.21.0.1/", "https://127.0.0.1/", "https://169.254.169.254/"):
        with pytest.raises(outbound.OutboundError):
            outbound.check_url(url)


def test_a_name_with_one_private_address_among_public_ones_is_refused(dns):
    dns["mixed.test"] = [["1.1.1.1", "10.0.0.7"]]
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.check_url("https://mixed.test/")
    assert "10.0.0.7" in caught.value.detail
    dns["public.test"] = [["1.1.1.1", "2606:4700:4700::1111"]]
    assert outbound.check_url("https://public.test/").addresses == ("1.1.1.1", "2606:4700:4700::1111")
    dns["v6.test"] = [["1.1.1.1", "::ffff:10.0.0.1"]]
    with pytest.raises(outbound.OutboundError):
        outbound.check_url("https://v6.test/")


def test_a_name_that_does_not_resolve_is_refused_with_the_same_text():
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.check_url("https://no-such-host.invalid/")
    assert str(caught.value) == outbound.REFUSED


# --- sending ------------------------------------------------------------------------------------------------
def test_post_sends_the_body_and_headers_and_returns_the_status_and_answer(local, serve):
    server = serve(status=201)
    answer = outbound.post(
        f"http://127.0.0.1:{server.port}/in?x=1",
        b'{"a":1}',
        headers={"Content-Type": "application/json"},
        timeout=LOCAL,
    )
    assert (answer.status, answer.body) == (201, b'{"ok":true}')
    assert server.hits == [("POST", "/in?x=1", f"127.0.0.1:{server.port}", b'{"a":1}')]


def test_post_refuses_before_connecting_when_the_address_is_not_allowed(settings, serve):
    settings.OUTBOUND_ALLOW_HTTP = True
    server = serve()
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.post(f"http://127.0.0.1:{server.port}/", b"{}", timeout=LOCAL)
    assert str(caught.value) == outbound.REFUSED
    assert server.hits == []


def test_the_connection_goes_to_the_address_that_was_checked_not_to_a_second_answer(local, serve, dns):
    """DNS rebinding: the name answers a vetted address to the check and another one after it."""
    vetted = serve("127.0.0.1")
    rebound = serve("127.0.0.2", vetted.port)  # not in the allow list
    dns["hook.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    answer = outbound.post(f"http://hook.test:{vetted.port}/in", b"x", timeout=LOCAL)
    assert answer.status == 200
    assert [(m, p, host) for m, p, host, _b in vetted.hits] == [("POST", "/in", f"hook.test:{vetted.port}")]
    assert rebound.hits == []
    assert dns.asked == ["hook.test"]  # asked once: the connection did not ask again


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_never_followed(local, serve, status):
    elsewhere = serve()
    first = serve(status=status, location=f"http://127.0.0.1:{elsewhere.port}/stolen")
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.post(f"http://127.0.0.1:{first.port}/", b"{}", timeout=LOCAL)
    assert str(caught.value) == outbound.REDIRECTED and caught.value.status == status
    assert len(first.hits) == 1 and elsewhere.hits == []


def test_an_error_answer_keeps_its_status_and_body_for_the_caller(local, serve):
    server = serve(status=500)
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.post(f"http://127.0.0.1:{server.port}/", b"{}", timeout=LOCAL)
    assert (str(caught.value), caught.value.status, caught.value.body) == ("HTTP 500", 500, b'{"ok":true}')


def test_a_closed_port_and_an_open_port_that_is_not_http_fail_alike(local):
    ssh, silent = NotHttp(b"SSH-2.0-OpenSSH_9.2p1\r\n"), NotHttp(b"")
    try:
        errors = []
        for port in (free_port(), ssh.port, silent.port):
            with pytest.raises(outbound.OutboundError) as caught:
                outbound.post(f"http://127.0.0.1:{port}/", b"{}", timeout=SILENT)
            errors.append(caught.value)
    finally:
        ssh.stop()
        silent.stop()
    assert {str(e) for e in errors} == {outbound.UNREACHABLE}
    assert {e.status for e in errors} == {None}
    assert len({e.detail for e in errors}) == 3  # the log tells them apart


# --- TLS: the name is kept for SNI and the certificate check -------------------------------------------------
def _certificate(tmp_path, name: str) -> tuple[str, str]:
    """A CA file and a server certificate+key file for ``name``, signed by that CA."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lianxin test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, server_file = tmp_path / "ca.pem", tmp_path / f"{name}.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_file.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(ca_file), str(server_file)


def _tls(server: Server, certfile: str) -> list[str | None]:
    """Serve TLS on ``server``'s socket; returns the list the server names asked for (SNI) go into."""
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    return names


@pytest.mark.parametrize(("certified", "delivered"), [("hook.test", True), ("other.test", False)])
def test_https_to_the_vetted_address_keeps_the_name_for_sni_and_the_certificate(
    local, serve, dns, tmp_path, monkeypatch, certified, delivered
):
    ca_file, server_file = _certificate(tmp_path, certified)
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)  # trust the test CA, as a town's private CA would be
    server = serve()
    names = _tls(server, server_file)
    dns["hook.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    url = f"https://hook.test:{server.port}/in"
    if delivered:
        assert outbound.post(url, b"{}", timeout=LOCAL).status == 200
        assert [host for _m, _p, host, _b in server.hits] == [f"hook.test:{server.port}"]
    else:  # a certificate for another name is refused, though the address is the vetted one
        with pytest.raises(outbound.OutboundError) as caught:
            outbound.post(url, b"{}", timeout=LOCAL)
        assert str(caught.value) == outbound.UNREACHABLE and "certificate" in caught.value.detail.lower()
        assert server.hits == []
    assert names == ["hook.test"]


def test_stored_texts_are_shown_in_the_readers_language_and_never_the_raw_error():
    from django.utils import translation

    with translation.override("zh-hans"):
        shown = outbound.error_text(outbound.UNREACHABLE)
        assert shown != outbound.UNREACHABLE, "translated (the catalogue is compiled by ./dev setup)"
        assert outbound.error_text("") == ""  # never gettext(""), which is the catalogue's header
        assert outbound.error_text("HTTP 503") == "HTTP 503"
