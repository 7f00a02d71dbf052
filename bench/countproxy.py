#!/usr/bin/env python3
"""Forward HTTP/1.1 traffic on loopback to one upstream server and count it.

bench/backup.sh puts this proxy between the backup tools and a local S3
server (moto), so every tool's requests and bytes are counted the same way.

    python3 bench/countproxy.py --port 9001 --upstream 9000 --report counts.json

The proxy listens on 127.0.0.1:PORT and forwards every request to
127.0.0.1:UPSTREAM over one upstream connection per client connection. It
changes no byte of a request, the Host header included, so the client's
signature stays valid. The one exception is the Expect header (below). It never connects anywhere else.

Counts, in the JSON report:

* ``requests``: requests by kind. PUT, GET, HEAD, POST and DELETE are the
  HTTP methods, except that a GET on a bucket (path-style ``/bucket`` with
  no object key) other than ``?location`` counts as LIST, because S3 lists
  objects that way. Other methods count as OTHER.
* ``bytes_from_client``: every byte the clients sent: request lines,
  headers and bodies.
* ``bytes_to_client``: every byte sent back to the clients, interim
  ``100 Continue`` responses included.
* ``responses``: final responses by status class (2xx, 3xx, 4xx, 5xx), and
  ``proxy_errors`` for requests that failed between the proxy and the
  upstream server (the proxy responds with 502 or closes the connection).
* ``connections``: client connections accepted.
* ``expect_continue``: requests that carried ``Expect: 100-continue``.

SIGUSR1 writes the counts since the previous SIGUSR1 (or the start) to the
report file and sets them to zero. SIGTERM and SIGINT write the counts since
the previous SIGUSR1 and stop the proxy. The file is replaced atomically, so
a reader never finds it partly written. A request is counted before its
response reaches the client, so once a client has exited, all its requests
are in the counts.

Framing: request bodies with Content-Length or ``Transfer-Encoding:
chunked``, responses with either or delimited by the end of the upstream
connection, keep-alive in both directions, and ``Expect: 100-continue``.
The proxy responds to that expectation itself with ``100 Continue`` and
forwards the request without the Expect header. NOTE: a server that checks
AWS Signature V4 would reject such a request if the client signed Expect.
moto does not check signatures.
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import urllib.parse

MAX_LINE = 64 * 1024
MAX_HEADERS = 200
CHUNK = 256 * 1024
# Seconds a client connection may stay idle between requests, and an
# upstream read may wait, before the proxy closes the connection.
IDLE_TIMEOUT = 300


class Counts:
    """Request and byte counters shared by all connection threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = {}
        self.responses = {}
        self.bytes_from_client = 0
        self.bytes_to_client = 0
        self.connections = 0
        self.proxy_errors = 0
        self.expect_continue = 0

    def add(self, field, amount=1):
        with self.lock:
            setattr(self, field, getattr(self, field) + amount)

    def add_to(self, table, key):
        with self.lock:
            getattr(self, table)[key] = getattr(self, table).get(key, 0) + 1

    def take(self):
        """Return the counts as a dict and set them to zero."""
        with self.lock:
            snapshot = {
                "requests": dict(sorted(self.requests.items())),
                "requests_total": sum(self.requests.values()),
                "responses": dict(sorted(self.responses.items())),
                "proxy_errors": self.proxy_errors,
                "bytes_from_client": self.bytes_from_client,
                "bytes_to_client": self.bytes_to_client,
                "connections": self.connections,
                "expect_continue": self.expect_continue,
            }
            self.reset()
        return snapshot


COUNTS = Counts()


class ClientFailed(Exception):
    """The client closed its connection or sent a malformed request."""


class UpstreamFailed(Exception):
    """The upstream server closed its connection or sent a malformed response."""


def request_kind(method, target):
    """Classify a request as an HTTP method or LIST (see the module docstring)."""
    if method not in ("PUT", "GET", "HEAD", "POST", "DELETE"):
        return "OTHER"
    if method != "GET":
        return method
    parts = urllib.parse.urlsplit(target)
    key = parts.path.lstrip("/").partition("/")[2]
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    if key == "" and "location" not in query:
        return "LIST"
    return "GET"


def read_line(stream, error_class):
    line = stream.readline(MAX_LINE + 1)
    if not line:
        raise error_class("connection closed")
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise error_class("line too long or cut off")
    return line


def read_head(stream, error_class):
    """Read a start line and header block. Return (start line, [(name, raw line)], byte count)."""
    start = read_line(stream, error_class)
    size = len(start)
    headers = []
    while True:
        line = read_line(stream, error_class)
        size += len(line)
        if line in (b"\r\n", b"\n"):
            return start, headers, size
        if len(headers) >= MAX_HEADERS:
            raise error_class("too many header lines")
        name = line.split(b":", 1)[0].strip().lower()
        headers.append((name, line))


def header(headers, name):
    """Return the last value of header `name` (lowercase bytes), or None."""
    value = None
    for key, line in headers:
        if key == name:
            value = line.split(b":", 1)[1].strip()
    return value


def body_framing(headers):
    """Return ("chunked", None), ("length", n) or ("none", None) for a request."""
    encoding = header(headers, b"transfer-encoding")
    if encoding is not None and encoding.lower().split(b",")[-1].strip() == b"chunked":
        return "chunked", None
    length = header(headers, b"content-length")
    if length is not None:
        return "length", int(length)
    return "none", None


def copy_exact(source, sink, count, error_class, counted):
    """Copy `count` bytes from `source` to the socket `sink`."""
    while count > 0:
        data = source.read(min(CHUNK, count))
        if not data:
            raise error_class("connection closed inside a body")
        counted(len(data))
        sink.sendall(data)
        count -= len(data)


def copy_chunked(source, sink, error_class, counted):
    """Copy a chunked body, its last chunk and trailers included."""
    while True:
        line = read_line(source, error_class)
        counted(len(line))
        sink.sendall(line)
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        copy_exact(source, sink, size + 2, error_class, counted)
    while True:
        line = read_line(source, error_class)
        counted(len(line))
        sink.sendall(line)
        if line in (b"\r\n", b"\n"):
            return


def copy_until_close(source, sink, counted):
    while True:
        data = source.read1(CHUNK)
        if not data:
            return
        counted(len(data))
        sink.sendall(data)


def wants_close(version, headers):
    connection = (header(headers, b"connection") or b"").lower()
    if version == b"HTTP/1.0":
        return b"keep-alive" not in connection
    return b"close" in connection


class Handler(socketserver.StreamRequestHandler):
    """Relays the requests of one client connection, one at a time."""

    timeout = IDLE_TIMEOUT

    def setup(self):
        super().setup()
        COUNTS.add("connections")
        self.upstream = None
        self.upstream_in = None

    def finish(self):
        self.close_upstream()
        super().finish()

    def close_upstream(self):
        if self.upstream is not None:
            self.upstream_in.close()
            self.upstream.close()
            self.upstream = None
            self.upstream_in = None

    def connect_upstream(self):
        if self.upstream is None:
            self.upstream = socket.create_connection(("127.0.0.1", self.server.upstream_port), timeout=IDLE_TIMEOUT)
            self.upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.upstream_in = self.upstream.makefile("rb")

    def to_client(self, data):
        COUNTS.add("bytes_to_client", len(data))
        self.wfile.write(data)

    def handle(self):
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while self.relay_one():
                pass
        except (ClientFailed, ConnectionError, TimeoutError, ValueError) as error:
            # A client that leaves, stalls or breaks the protocol loses its
            # connection, as it would with the server itself.
            print(f"countproxy: closed the connection from {self.client_address}: {error!r}", file=sys.stderr)

    def relay_one(self):
        """Relay one request and its response. Return whether to keep the connection."""
        try:
            start, headers, size = read_head(self.rfile, ClientFailed)
        except ClientFailed:
            return False
        COUNTS.add("bytes_from_client", size)
        fields = start.split()
        if len(fields) != 3:
            raise ClientFailed("malformed request line")
        method, target, version = fields[0].decode("ascii", "replace"), fields[1].decode("ascii", "replace"), fields[2]
        COUNTS.add_to("requests", request_kind(method, target))
        client_close = wants_close(version, headers)

        expects = (header(headers, b"expect") or b"").lower() == b"100-continue"
        if expects:
            COUNTS.add("expect_continue")
            headers = [(name, line) for name, line in headers if name != b"expect"]
            if version != b"HTTP/1.0":
                self.to_client(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.wfile.flush()
        framing, length = body_framing(headers)

        head = start + b"".join(line for _, line in headers) + b"\r\n"
        self.response_started = False
        try:
            self.forward_request(head, framing, length)
            keep = self.relay_response(method)
        except (UpstreamFailed, ConnectionError, TimeoutError, OSError) as error:
            print(f"countproxy: relaying {method} {target} failed: {error}", file=sys.stderr)
            COUNTS.add("proxy_errors")
            self.close_upstream()
            if self.response_started:
                # Part of the response went out, so only closing the connection
                # signals to the client that it is incomplete.
                return False
            message = b"upstream failed\n"
            self.to_client(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                + b"Content-Length: %d\r\n\r\n" % len(message)
                + message
            )
            return False
        return keep and not client_close

    def forward_request(self, head, framing, length):
        """Send one request to upstream, reconnecting once if a kept-alive connection was closed."""
        for attempt in (1, 2):
            reused = self.upstream is not None
            self.connect_upstream()
            try:
                self.upstream.sendall(head)
                break
            except (ConnectionError, BrokenPipeError):
                self.close_upstream()
                if not reused or attempt == 2:
                    raise
        counted = lambda n: COUNTS.add("bytes_from_client", n)
        if framing == "chunked":
            copy_chunked(self.rfile, self.upstream, ClientFailed, counted)
        elif framing == "length":
            copy_exact(self.rfile, self.upstream, length, ClientFailed, counted)

    def relay_response(self, method):
        """Relay the final response (and any interim ones). Return whether upstream stays open."""
        while True:
            start, headers, _ = read_head(self.upstream_in, UpstreamFailed)
            fields = start.split(None, 2)
            if len(fields) < 2:
                raise UpstreamFailed("malformed status line")
            version, status = fields[0], int(fields[1])
            self.response_started = True
            self.to_client(start + b"".join(line for _, line in headers) + b"\r\n")
            if 100 <= status < 200:
                continue
            break
        COUNTS.add_to("responses", f"{status // 100}xx")

        counted = lambda n: COUNTS.add("bytes_to_client", n)
        framing, length = body_framing(headers)
        keep = not wants_close(version, headers)
        if method == "HEAD" or status in (204, 304):
            pass
        elif framing == "chunked":
            copy_chunked(self.upstream_in, self.connection, UpstreamFailed, counted)
        elif framing == "length":
            self.wfile.flush()
            copy_exact(self.upstream_in, self.connection, length, UpstreamFailed, counted)
        else:
            self.wfile.flush()
            copy_until_close(self.upstream_in, self.connection, counted)
            keep = False
        self.wfile.flush()
        if not keep:
            self.close_upstream()
        return keep


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def write_report(path):
    snapshot = COUNTS.take()
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".countproxy-", delete=False) as out:
        json.dump(snapshot, out, indent=1)
        out.write("\n")
    os.replace(out.name, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="port to listen on, on 127.0.0.1")
    parser.add_argument("--upstream", type=int, required=True, help="port of the server on 127.0.0.1 to forward to")
    parser.add_argument("--report", required=True, help="file the counts are written to on SIGUSR1, SIGTERM and SIGINT")
    args = parser.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.upstream_port = args.upstream

    def report(signum, frame):
        write_report(args.report)

    def stop(signum, frame):
        write_report(args.report)
        # shutdown() waits for serve_forever, which runs in this thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGUSR1, report)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"countproxy: listening on 127.0.0.1:{args.port}, forwarding to 127.0.0.1:{args.upstream}", file=sys.stderr)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    print("countproxy: stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
