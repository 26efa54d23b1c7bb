"""The protocol readers on the cases their specifications give: RFC 9001's Initial keys, TCP
segments out of order and resent, DNS CNAME chains, JA4's parts, HTTP heads."""

from __future__ import annotations

import hashlib

from dronevet.leaks import dns, http, quic, synth, tls
from dronevet.leaks.ja4 import ja4
from dronevet.leaks.streams import StreamPrefix


def test_initial_keys_are_those_of_rfc_9001_appendix_a() -> None:
    keys = quic.initial_keys(bytes.fromhex("8394c8f03e515708"))
    assert keys.key.hex() == "1f369613dd76d5467730efcbe3b1a22d"
    assert keys.iv.hex() == "fa044b2f42a3fd3b46fb255c"
    assert keys.hp.hex() == "9f50449e04a0e810283a1e9933adedd2"


def test_a_protected_initial_decrypts_to_its_crypto_frame() -> None:
    hello = synth.client_hello("a.example", alpn=("h3",))
    packet = synth.quic_initial(bytes.fromhex("0011223344556677"), b"\x01", hello)
    header = quic.long_header(packet, 0)
    frames = quic.decrypt_initial(packet, header, quic.initial_keys(header.dcid))
    assert quic.crypto_frames(frames) == [(0, hello)]
    assert len(packet) >= 1200  # RFC 9000 14.1: client Initials fill 1200-byte datagrams


def test_segments_out_of_order_and_resent_come_out_in_order_first_copy_winning() -> None:
    stream = StreamPrefix(limit=100)
    stream.syn(0xFFFFFFF0)  # the sequence numbers wrap inside the stream
    base = 0xFFFFFFF1
    assert not stream.add((base + 5) % (1 << 32), b"56789")
    assert stream.add(base, b"01234")
    assert not stream.add(base, b"XXXXX")  # a retransmission with other bytes
    assert bytes(stream.data) == b"0123456789"


def test_a_stream_keeps_no_more_than_its_limit() -> None:
    stream = StreamPrefix(limit=4)
    stream.add(10, b"abcdef")
    assert bytes(stream.data) == b"abcd" and stream.full


def test_dns_answer_follows_its_cname_chain() -> None:
    message = dns.parse(synth.dns_response(9, "a.example", ["b.example"], ["192.0.2.1"]))
    assert message.response and message.questions == ("a.example",)
    assert [(a.name, a.kind, a.value) for a in message.answers] == [
        ("a.example", "CNAME", "b.example"), ("b.example", "A", "192.0.2.1")]


def test_ja4_counts_without_grease_and_hashes_sorted_lists() -> None:
    hello = tls.parse_client_hello(synth.client_hello("a.example")[4:])
    ciphers = ",".join(f"{c:04x}" for c in sorted(c for c in hello.cipher_suites
                                                  if not tls.is_grease(c)))
    extensions = ",".join(f"{e:04x}" for e in sorted(
        e for e in hello.extensions if not tls.is_grease(e) and e not in (0, 16)))
    signatures = "0403,0804,0401,0503"
    part_b = hashlib.sha256(ciphers.encode()).hexdigest()[:12]
    part_c = hashlib.sha256(f"{extensions}_{signatures}".encode()).hexdigest()[:12]
    assert ja4(hello) == f"t13d0807h2_{part_b}_{part_c}"
    assert ja4(hello, quic=True).startswith("q13d")


def test_http_heads_give_method_path_host_and_user_agent() -> None:
    found = http.requests(b"GET /a HTTP/1.1\r\nHost: h.example\r\nUser-Agent: app/1\r\n\r\n"
                          b"POST /b HTTP/1.1\r\nhost: i.example\r\nContent-Length: 2\r\n\r\nok")
    assert [(r.method, r.path, r.host, r.user_agent) for r in found] == [
        ("GET", "/a", "h.example", "app/1"), ("POST", "/b", "i.example", None)]
