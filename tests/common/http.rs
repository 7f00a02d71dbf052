//! A minimal HTTP/1.1 client for the loopback servers of [`super::servers`].
//! It sends one request per connection (`Connection: close`) to
//! `127.0.0.1` and reads bodies framed by `Content-Length`, by
//! `Transfer-Encoding: chunked`, or by the end of the connection.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Maximum time to connect to the server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Maximum time one read or write on the connection may block.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// A complete HTTP response.
pub struct Response {
    pub status: u16,
    /// Header names and values in the order received, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Returns the value of the first header named `name`, compared without
    /// regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Returns the body as text, with invalid UTF-8 replaced, for failure
    /// messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request to `127.0.0.1:port` and reads the whole response.
///
/// `target` is the request target, already percent-encoded
/// (`/bucket/key?list-type=2`). The client adds `Host`, `Content-Length`
/// and `Connection: close` to `headers`.
pub fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    request_with_timeout(port, method, target, headers, body, IO_TIMEOUT)
}

/// Sends a request like [`request`], but fails with `TimedOut` or
/// `WouldBlock` when connecting, or one read or write, takes longer than
/// `timeout`.
pub fn request_with_timeout(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Response> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, timeout.min(CONNECT_TIMEOUT))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;

    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;

    // The server closes the connection after the response, because the
    // request contains `Connection: close`.
    let mut received = Vec::new();
    stream.read_to_end(&mut received)?;
    parse_response(&received, method == "HEAD")
}

/// Parses a complete response as received up to the end of the connection.
fn parse_response(received: &[u8], is_head: bool) -> io::Result<Response> {
    let head_end = find(received, b"\r\n\r\n").ok_or_else(|| {
        invalid(format!(
            "response without an empty line after the header: {}",
            preview(received)
        ))
    })?;
    let head = std::str::from_utf8(&received[..head_end])
        .map_err(|_| invalid(format!("response header is not UTF-8: {}", preview(received))))?;
    let rest = &received[head_end + 4..];

    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|after| after.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| invalid(format!("invalid status line {status_line:?}")))?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("invalid header line {line:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };

    // RFC 9112, section 6.3: these responses never have a body, even with a
    // `Content-Length` or `Transfer-Encoding` header.
    if is_head || status / 100 == 1 || status == 204 || status == 304 {
        return Ok(response);
    }
    let chunked = response
        .header("Transfer-Encoding")
        .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
    response.body = if chunked {
        decode_chunked(rest)?
    } else if let Some(length) = response.header("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(format!("invalid Content-Length {length:?}")))?;
        if rest.len() < length {
            return Err(invalid(format!(
                "connection closed after {} of {length} body bytes",
                rest.len()
            )));
        }
        rest[..length].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

/// Decodes a chunked body (RFC 9112, section 7.1), ignoring chunk
/// extensions and trailer fields.
fn decode_chunked(mut rest: &[u8]) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or_else(|| invalid("chunk size line without CRLF".into()))?;
        let line = String::from_utf8_lossy(&rest[..line_end]);
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("invalid chunk size {size_text:?}")))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return Err(invalid(format!(
                "chunk of {size} bytes is cut off or lacks its CRLF"
            )));
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// Percent-encodes `text` for a request path, keeping `/` as the path
/// separator and the unreserved characters of RFC 3986.
pub fn encode_path(text: &str) -> String {
    encode(text, true)
}

/// Percent-encodes `text` for a query parameter value.
pub fn encode_query_value(text: &str) -> String {
    encode(text, false)
}

fn encode(text: &str, keep_slash: bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slash && byte == b'/') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Returns the start of a response as text, for error messages.
fn preview(received: &[u8]) -> String {
    let start = &received[..received.len().min(200)];
    format!("{:?}", String::from_utf8_lossy(start))
}
