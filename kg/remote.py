"""Talk to any SPARQL 1.1 server: the HTTP connection, its credentials, and queries over the Protocol.

Loading a server (``kg load``, the Graph Store Protocol) is kg.load.

Nothing here is specific to one server: Oxigraph, Fuseki, GraphDB or
Virtuoso answer the same W3C protocols. Credentials come from the
workspace (kg.workspace.Credentials: KG_SPARQL_USER and KG_SPARQL_PASSWORD)
or a ~/.netrc entry for the server's host, never from the command line, and
never appear in messages.
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.client
import json
import re
import secrets
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import InputError
from .prefixes import prologue_for
from .terms import Result, Term
from .workspace import Credentials

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class RemoteError(InputError):
    """The server is down, too slow, or answered with an error (exit code 2)."""


@dataclass(frozen=True)
class Connection:
    """How to reach a server: bounded timeout and retries, and where its credentials come from.

    Credentials go as HTTP Basic with the first request (as they always have);
    a server that answers 401 with a Digest challenge (Virtuoso's ``-auth``
    endpoints) gets the Digest answer instead, and so does every later request
    to it, each with the next nonce count.
    """

    timeout: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    credentials: Credentials = field(default_factory=Credentials)
    _digest: dict = field(default_factory=dict, compare=False, repr=False)  # (host, port) -> challenge

    def request(self, method: str, url: str, body: bytes | Iterable[bytes] | None = None, headers: dict | None = None,
                shown: str | None = None) -> tuple[str, bytes]:
        """Send one request, retrying on connection failures and 5xx; return (content type, body).

        Messages name the server by ``shown`` (default: the URL without credentials).
        """
        from .limits import call_with_deadline

        check_address(url)
        credentials = self.credentials.for_url(url)
        target = _strip_userinfo(url)
        shown = shown or redact(url)
        last_problem = ""
        # --timeout bounds the whole request, retries included: a per-read timeout
        # lets a server that sends a byte a second hold the command for ever.
        deadline = time.monotonic() + self.timeout
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), max(0.0, deadline - time.monotonic())))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                attempt -= 1  # this one was not made
                last_problem = f"no answer from {shown} within {self.timeout:g} s"
                break
            data = body() if callable(body) else body
            try:
                status, reason, answer_headers, answer = call_with_deadline(
                    lambda: self._authorized(method, target, data, headers or {}, credentials), remaining)
            except TimeoutError:
                last_problem = f"no answer from {shown} within {self.timeout:g} s"
                continue
            except (OSError, http.client.HTTPException) as error:
                last_problem = f"cannot reach {shown}: {getattr(error, 'strerror', None) or error}"
                continue
            if status < 300:
                return answer_headers.get("Content-Type", ""), answer
            detail = server_words(answer, answer_headers.get("Content-Type", ""))
            last_problem = f"{shown} answered {status} {reason}" + (f": {detail}" if detail else "")
            if status < 500 and status != 429:
                raise RemoteError(last_problem)
        tries = f" (after {attempt + 1} tries)" if attempt else ""
        raise RemoteError(last_problem + tries)

    def _authorized(self, method: str, url: str, data: bytes | Iterable[bytes] | None, headers: dict[str, str],
                    credentials: tuple[str, str] | None) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        """One exchange, answering the server's Digest challenge if it sends one.

        Virtuoso answers a Basic attempt with a bare 401; asked again without
        credentials it names its scheme, and a Digest challenge is answered
        (once: a refused answer to a fresh challenge means wrong credentials).
        """
        parts = urllib.parse.urlsplit(url)
        server = (parts.hostname, parts.port)
        scheme = "digest" if server in self._digest else "basic"
        fresh = False
        for _ in range(3):
            sent = dict(headers)
            if credentials and scheme == "digest":
                sent["Authorization"] = _digest_authorization(self._digest[server], method, parts, credentials)
            elif credentials and scheme == "basic":
                sent["Authorization"] = _basic_authorization(credentials)
            status, reason, answer_headers, answer = self._exchange(method, url, data, sent)
            if status != 401 or not credentials:
                break
            offered = answer_headers.get("WWW-Authenticate", "")
            if offered.lower().startswith("digest") and not fresh:
                self._digest[server], scheme, fresh = _parse_challenge(offered), "digest", True
            elif scheme == "basic" and not offered:
                scheme = "ask"
            else:
                break
        return status, reason, answer_headers, answer

    def _exchange(self, method: str, url: str, data: bytes | Iterable[bytes] | None, headers: dict[str, str],
                  redirects: int = 3) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        """One HTTP request and its answer: (status, reason, headers, body).

        A server that answers before it has read the whole body (an error, an
        authentication challenge) and closes the connection is still heard:
        its answer is read after the failed write.
        """
        parts = urllib.parse.urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname or "", parts.port, timeout=self.timeout)  # check_address saw a host
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            try:
                connection.request(method, path, body=data, headers={"Connection": "close", **headers})
            except (BrokenPipeError, ConnectionResetError):
                pass  # the answer, if the server sent one, is read below
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        location = response.headers.get("Location")
        if response.status in (301, 302, 303, 307, 308) and location and redirects and (
                method == "GET" or response.status in (307, 308)):
            return self._exchange(method, urllib.parse.urljoin(url, location), data, headers, redirects - 1)
        return response.status, response.reason, response.headers, answer


def _basic_authorization(credentials: tuple[str, str]) -> str:
    return "Basic " + base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()


def _parse_challenge(header: str) -> dict:
    """The parameters of a ``WWW-Authenticate: Digest ...`` challenge, and a nonce count."""
    pairs = re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', header[len("digest"):])
    found = {key.lower(): quoted or plain for key, quoted, plain in pairs}
    found["count"] = 0
    return found


def _digest_authorization(challenge: dict, method: str, parts: urllib.parse.SplitResult,
                          credentials: tuple[str, str]) -> str:
    """An RFC 7616 Digest answer (MD5 or SHA-256, qop=auth, or RFC 2069 without qop)."""
    algorithm = challenge.get("algorithm", "MD5")
    digest = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper().removesuffix("-SESS"))
    if digest is None:
        raise RemoteError(f"the server asks for Digest authentication with {algorithm}, which kg does not speak")

    def hashed(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    challenge["count"] += 1
    uri = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    count, client_nonce = f"{challenge['count']:08x}", secrets.token_hex(8)
    secret = hashed(f"{credentials[0]}:{realm}:{credentials[1]}")
    if algorithm.upper().endswith("-SESS"):
        secret = hashed(f"{secret}:{nonce}:{client_nonce}")
    qop = "auth" if "auth" in [q.strip() for q in challenge.get("qop", "").split(",")] else ""
    request_digest = hashed(f"{method}:{uri}")
    response = hashed(f"{secret}:{nonce}:{count}:{client_nonce}:{qop}:{request_digest}" if qop
                      else f"{secret}:{nonce}:{request_digest}")
    fields = [f'username="{credentials[0]}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
              f'algorithm={algorithm}', f'response="{response}"']
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    if qop:
        fields += [f"qop={qop}", f"nc={count}", f'cnonce="{client_nonce}"']
    return "Digest " + ", ".join(fields)


def server_words(body: bytes, content_type: str) -> str:
    """What an error answer says, as one line of at most 300 characters: an HTML page's text
    without its markup, or a plain text's first paragraph.

    Servers put their message first; what follows a blank line is detail such
    as the query echoed back (Virtuoso's "SPARQL query: ..."), which would
    otherwise fill the line.
    """
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    else:
        text = re.split(r"\n[ \t\r]*\n", text.strip(), maxsplit=1)[0]
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def check_address(url: str, option: str = "") -> None:
    """RemoteError unless ``url`` is an http(s) address with a host (before anything is built or sent)."""
    try:
        parts = urllib.parse.urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        raise RemoteError(f"{option + ': ' if option else ''}{redact(url)!r} is not an http:// or https:// address")


def redact(url: str) -> str:
    """The URL without any user name or password in it."""
    return _strip_userinfo(url)


def _strip_userinfo(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # not a URL at all (an unclosed [IPv6]): nothing to strip
        return url
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


# =============================================================================
# Queries
# =============================================================================

class RemoteSparql:
    """Sends queries to a SPARQL 1.1 Protocol endpoint; answers like kg.sparql's local ones."""

    def __init__(self, endpoint: str, connection: Connection | None = None):
        self.endpoint = endpoint
        self.connection = connection or Connection()

    def query(self, text: str, prefixes: dict[str, str] | None = None, pin: bool = False) -> Result:
        """The endpoint's answer to ``text``; ``pin`` is ignored: answers are pinned in the local store only."""
        from .sparql import check_read_only_query

        check_address(self.endpoint)
        full_text = prologue_for(text, prefixes or {}) + text
        check_read_only_query(full_text)
        method, url, body, headers = query_request(self.endpoint, full_text)
        content_type, body = self.connection.request(
            method, url, body=body, headers={**headers, "Accept": f"{RESULTS_JSON}, {N_TRIPLES};q=0.9"},
            shown=redact(self.endpoint))
        kind = content_type.split(";")[0].strip().lower()
        try:
            if kind in (RESULTS_JSON, "application/json"):
                return parse_results_json(body)
            return Result(form="graph", triples=parse_triples(body, kind or N_TRIPLES))
        except (ValueError, SyntaxError, KeyError) as error:
            raise RemoteError(f"{redact(self.endpoint)} answered something that is not SPARQL results ({kind}): {error}") from None


# Servers and proxies that refuse longer request lines are common (8 KB is a usual
# limit, some stop at 2 KB); every saved query without parameters fits.
GET_LIMIT = 2000


def query_request(endpoint: str, text: str) -> tuple[str, str, bytes | None, dict]:
    """(method, URL, body, headers) of a SPARQL 1.1 Protocol query: GET when the URL stays
    under GET_LIMIT characters, else a form-encoded POST.

    Both are the Protocol's, and every server answers them; a raw
    ``application/sparql-query`` POST body is newer, and Virtuoso 7.2 never
    answers it. Parameters already in the endpoint's URL (``default-graph-uri``)
    go along: in the URL of a GET, in the form of a POST.
    """
    if '"""' not in text and "'''" not in text:  # no line of a long string can look like a comment
        text = "".join(line for line in text.splitlines(True) if not line.lstrip().startswith("#"))
    parts = urllib.parse.urlsplit(endpoint)
    form = "&".join(filter(None, [parts.query, urllib.parse.urlencode({"query": text})]))
    address = urllib.parse.urlunsplit(parts._replace(query=""))
    if len(address) + 1 + len(form) <= GET_LIMIT:
        return "GET", f"{address}?{form}", None, {}
    return "POST", address, form.encode("ascii"), {"Content-Type": "application/x-www-form-urlencoded"}


def parse_results_json(body: bytes) -> Result:
    """A W3C SPARQL 1.1 Query Results JSON document as a Result."""
    document = json.loads(body.decode("utf-8"))
    if "boolean" in document:
        return Result(form="ask", boolean=bool(document["boolean"]))
    variables = document["head"]["vars"]
    rows = [{name: _term_from_json(value) for name, value in binding.items()}
            for binding in document["results"]["bindings"]]
    return Result(form="select", variables=variables, rows=rows)


def _term_from_json(value: dict) -> Term:
    kind = value["type"]
    if kind == "uri":
        return Term.iri(value["value"])
    if kind == "bnode":
        return Term("bnode", value["value"])
    return Term.literal(value["value"], value.get("datatype"), value.get("xml:lang"))


def parse_triples(body: bytes, media_type: str) -> list[tuple[Term, Term, Term]]:
    import pyoxigraph as ox

    from .terms import from_oxigraph

    rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
    return [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
            for t in ox.parse(body, format=rdf_format)]
