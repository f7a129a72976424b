"""The hostile corpus: the written strings of corpus.yaml plus generated texts and raw bodies."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CORPUS_FILE = Path(__file__).with_name("corpus.yaml")
SENDER = "hostile-sender-0001"


@dataclass(frozen=True)
class Hostile:
    category: str
    text: str

    @property
    def label(self) -> str:
        shown = self.text[:40].encode("unicode_escape").decode()
        return f"{self.category}:{shown}" + ("…" if len(self.text) > 40 else "")


@cache
def written() -> list[Hostile]:
    """The strings of corpus.yaml, by category."""
    data = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
    return [Hostile(cat, str(item)) for cat, spec in data.items() for item in spec["items"]]


def generated() -> list[Hostile]:
    """Texts too long or too odd for a text file."""
    items = [
        # Sizes: the message limit is 4,000 characters, the body limit 64 kB.
        Hostile("size", "A" * 4000),
        Hostile("size", "A" * 4001),
        Hostile("size", "é" * 5000),  # 10 kB of UTF-8
        Hostile("size", "x" * 10_000),  # 10 kB
        Hostile("size", "y" * (64 * 1024 + 1)),  # just over the body limit
        Hostile("size", "z" * (1024 * 1024)),  # 1 MB
        Hostile("size", "word " * 800),
        Hostile("size", "\n" * 3000 + "end"),
        # Whitespace only, and empty.
        Hostile("control", ""),
        Hostile("control", "   \t  "),
        Hostile("control", "\u3000\u2003"),
        # C1 controls in one string, DEL, and each C0 control inside a word.
        Hostile("control", "a" + "".join(chr(c) for c in range(0x80, 0xA0)) + "b"),
        Hostile("control", "del\x7fete"),
    ]
    items += [Hostile("control", f"a{chr(c)}b") for c in range(0x00, 0x20)]
    return items


@cache
def texts() -> list[Hostile]:
    """Every hostile text that can travel as a JSON string."""
    return [*written(), *generated()]


@dataclass(frozen=True)
class RawBody:
    """A request body as bytes, for inputs that json.dumps cannot produce."""

    name: str
    body: bytes
    content_type: str = "application/json"


def _chat(**fields: object) -> bytes:
    base: dict[str, object] = {"sender_id": SENDER, "message": "hello"}
    return json.dumps(base | fields).encode()


def raw_bodies() -> list[RawBody]:
    """Malformed, mistyped and oversized bodies for POST endpoints."""
    deep = b"[" * 5000 + b"]" * 5000
    many_keys = {f"k{i}": i for i in range(1000)}
    bodies = [
        RawBody(
            "invalid utf-8 in message",
            b'{"sender_id":"' + SENDER.encode() + b'","message":"\xff\xfe\xc3"}',
        ),
        RawBody(
            "overlong utf-8 encoding of /",
            b'{"sender_id":"' + SENDER.encode() + b'","message":"\xc0\xaf"}',
        ),
        RawBody("lone high surrogate escape", _chat().replace(b'"hello"', b'"\\ud800"')),
        RawBody("lone low surrogate escape", _chat().replace(b'"hello"', b'"a\\udfffb"')),
        RawBody(
            "surrogate in metadata key",
            _chat().replace(b'"hello"', b'"hi","metadata":{"\\ud83d":1}'),
        ),
        RawBody(
            "surrogate in metadata value",
            _chat(metadata={"x": "PLACEHOLDER"}).replace(b"PLACEHOLDER", b"\\udc00"),
        ),
        RawBody("NUL escape only", _chat(message="\u0000")),
        RawBody("not json", b"{not json"),
        RawBody("truncated json", _chat()[:-5]),
        RawBody("empty body", b""),
        RawBody("json null", b"null"),
        RawBody("json string", b'"hello"'),
        RawBody("json number", b"42"),
        RawBody("json array", b"[]"),
        RawBody(
            "array of messages", json.dumps([{"sender_id": SENDER, "message": "hi"}] * 50).encode()
        ),
        RawBody("utf-8 BOM before json", b"\xef\xbb\xbf" + _chat()),
        RawBody("utf-16 json", _chat().decode().encode("utf-16")),
        RawBody(
            "duplicate keys",
            b'{"sender_id":"' + SENDER.encode() + b'","message":"a","message":"b"}',
        ),
        RawBody("NaN literal", _chat().replace(b'"hello"', b"NaN")),
        RawBody(
            "Infinity in metadata", _chat().replace(b'"hello"', b'"hi","metadata":{"x":Infinity}')
        ),
        RawBody("1e999 in metadata", _chat().replace(b'"hello"', b'"hi","metadata":{"x":1e999}')),
        RawBody(
            "5000-digit integer",
            _chat().replace(b'"hello"', b'"hi","metadata":{"x":' + b"9" * 5000 + b"}"),
        ),
        RawBody("2**64 in metadata", _chat(metadata={"x": 2**64})),
        RawBody("deeply nested arrays", deep),
        RawBody(
            "deeply nested metadata",
            _chat().replace(b'"hello"', b'"hi","metadata":{"x":' + deep + b"}"),
        ),
        RawBody("missing sender_id", json.dumps({"message": "hi"}).encode()),
        RawBody("missing message", json.dumps({"sender_id": SENDER}).encode()),
        RawBody("all fields missing", b"{}"),
        RawBody("message is a number", _chat(message=42)),
        RawBody("message is a list", _chat(message=["a", "b"])),
        RawBody("message is an object", _chat(message={"text": "hi"})),
        RawBody("message is null", _chat(message=None)),
        RawBody("message is true", _chat(message=True)),
        RawBody("sender_id is a number", _chat(sender_id=12345678)),
        RawBody("sender_id is an object", _chat(sender_id={"$ne": None})),
        RawBody("metadata is a list", _chat(metadata=["language", "en"])),
        RawBody("metadata is a string", _chat(metadata="en")),
        RawBody("1000 metadata keys", _chat(metadata=many_keys)),
        RawBody("nested metadata object", _chat(metadata={"x": {"y": {"z": 1}}})),
        RawBody("metadata value a list", _chat(metadata={"x": list(range(100))})),
        RawBody("metadata key 10 kB", _chat(metadata={"k" * 10_000: 1})),
        RawBody("metadata value 10 kB", _chat(metadata={"k": "v" * 10_000})),
        RawBody("language not supported", _chat(metadata={"language": "xx"})),
        RawBody("language is html", _chat(metadata={"language": "<script>"})),
        RawBody("10,000 buttons", _chat(buttons=[{"title": "t", "payload": "/p"}] * 10_000)),
        RawBody("extra field", _chat(is_admin=True)),
        RawBody("client_message_id with html", _chat(client_message_id="<script>")),
        RawBody("client_message_id 1 kB", _chat(client_message_id="m" * 1000)),
        RawBody("client_message_id a number", _chat(client_message_id=7)),
        RawBody("1 MB of spaces", b" " * (1024 * 1024)),
        RawBody("1 MB message", _chat(message="m" * (1024 * 1024))),
        RawBody(
            "form-encoded body",
            b"sender_id=hostile-sender-0001&message=hi",
            "application/x-www-form-urlencoded",
        ),
        RawBody("text/plain json (cross-site form)", _chat(), "text/plain"),
        RawBody(
            "multipart body",
            b'--x\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
        ),
        RawBody(
            "xml body",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
            "application/xml",
        ),
    ]
    return bodies
