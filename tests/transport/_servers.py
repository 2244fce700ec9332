"""Tiny loopback servers that misbehave on purpose (asyncio only, raw non-blocking sockets so each
handler decides exactly what the peer sees: FIN, RST, partial bodies, a full receive window…)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Handler = Callable[["Conn"], Awaitable[None]]


@dataclass
class Request:
    line: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Conn:
    """One accepted connection."""

    def __init__(self, sock: socket.socket, server: Server) -> None:
        self.sock = sock
        self.server = server
        self.loop = asyncio.get_running_loop()
        self._buffer = b""
        self.closed = False

    async def recv_some(self) -> bytes:
        data = await self.loop.sock_recv(self.sock, 65536)
        if not data:
            raise ConnectionError("peer closed")
        return data

    async def read_request(self) -> Request:
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += await self.recv_some()
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        line, *lines = head.split(b"\r\n")
        headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(b":") for h in lines)]
        req = Request(line, headers, b"")
        if b"chunked" in (req.header(b"transfer-encoding") or b""):
            while True:
                size = int(await self._read_line(), 16)
                req.body += await self._read_exactly(size)
                await self._read_line()
                if size == 0:
                    break
        else:
            req.body = await self._read_exactly(int(req.header(b"content-length") or 0))
        self.server.requests.append(req)
        return req

    async def _read_line(self) -> bytes:
        while b"\r\n" not in self._buffer:
            self._buffer += await self.recv_some()
        line, _, self._buffer = self._buffer.partition(b"\r\n")
        return line

    async def _read_exactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._buffer += await self.recv_some()
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    async def send(self, data: bytes) -> None:
        await self.loop.sock_sendall(self.sock, data)

    async def respond(
        self, status: int = 200, body: bytes = b"ok", headers: list[tuple[str, str]] | None = None
    ) -> None:
        lines = [f"HTTP/1.1 {status} Whatever"]
        hdrs = list(headers or [])
        if not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in hdrs):
            hdrs.append(("Content-Length", str(len(body))))
        lines += [f"{k}: {v}" for k, v in hdrs]
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def wait_readable(self) -> None:
        """Wait until request bytes are in the kernel buffer, without reading them."""
        fut: asyncio.Future[None] = self.loop.create_future()
        self.loop.add_reader(self.sock.fileno(), lambda: fut.done() or fut.set_result(None))
        try:
            await fut
        finally:
            self.loop.remove_reader(self.sock.fileno())

    def close(self) -> None:
        """Close normally: FIN (or RST if unread bytes are left in the kernel buffer)."""
        if not self.closed:
            self.closed = True
            self.sock.close()

    def reset(self) -> None:
        """Close with RST (SO_LINGER 0)."""
        if not self.closed:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close()


@dataclass
class Server:
    handler: Handler
    rcvbuf: int | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    active: int = 0
    peak: int = 0
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def serve(handler: Handler, *, rcvbuf: int | None = None) -> AsyncIterator[Server]:
    """Serve ``handler`` on 127.0.0.1; each connection is closed (and its task cancelled) at exit."""
    server = Server(handler, rcvbuf)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf is not None:  # inherited by accepted sockets: a small receive window
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.setblocking(False)
    server.port = listener.getsockname()[1]
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()
    conns: list[Conn] = []

    async def run(conn: Conn) -> None:
        server.connections += 1
        server.active += 1
        server.peak = max(server.peak, server.active)
        try:
            await handler(conn)
        except (ConnectionError, OSError):
            pass
        finally:
            server.active -= 1
            conn.close()

    async def accept_loop() -> None:
        while True:
            sock, _ = await loop.sock_accept(listener)
            sock.setblocking(False)
            conn = Conn(sock, server)
            conns.append(conn)
            task = asyncio.create_task(run(conn))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    acceptor = asyncio.create_task(accept_loop())
    try:
        yield server
    finally:
        acceptor.cancel()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(acceptor, *tasks, return_exceptions=True)
        for conn in conns:
            conn.close()
        listener.close()


async def hang(conn: Conn) -> None:
    """Keep the connection open, never answering."""
    await asyncio.sleep(3600)


def closed_port() -> int:
    """A port nothing listens on (bound then closed: connecting is refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@contextlib.contextmanager
def full_backlog() -> Iterator[int]:
    """A listener whose accept queue is full: a new connect gets no SYN-ACK (connect timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


# -- TLS -------------------------------------------------------------------------------------------
@dataclass
class Certs:
    ca_file: Path
    server_context: ssl.SSLContext


def make_certs(directory: Path) -> Certs:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "onstage test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file = directory / "server.pem"
    cert_file.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file)
    return Certs(ca_file, context)


@contextlib.asynccontextmanager
async def serve_tls(context: ssl.SSLContext) -> AsyncIterator[int]:
    """An HTTPS server answering every request with 200 ``tls ok``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ntls ok")
            await writer.drain()
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
