#!/usr/bin/env python3
"""Writes the small seed corpus in tests/fakes/dns/corpus/ (DNS queries, valid and malformed).

Re-run after editing; the files are committed so builds need no Python.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def header(qd=1, an=0, ns=0, ar=0, flags=0x0100, qid=0x1234):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def question(text, qtype=1, qclass=1):
    return name(text) + struct.pack(">HH", qtype, qclass)


def opt(size=1232, version=0):
    return b"\0" + struct.pack(">HHIH", 41, size, version << 16, 0)


CASES = {
    "a_valami": header() + question("valami.service.dc1.consul"),
    "a_no_dc": header() + question("valami.service.consul"),
    "srv_edns": header(ar=1) + question("valami.service.consul", 33) + opt(),
    "srv_rfc2782": header() + question("_valami._tcp.service.consul", 33),
    "srv_short_rfc2782": header() + question("_web._tcp.dc1.consul", 33),
    "aaaa_v6": header() + question("v6.service.consul", 28),
    "any_tag": header() + question("http.valami.service.consul", 255),
    "txt_node": header() + question("node1.node.consul", 16),
    "addr": header() + question("ac110003.addr.dc1.consul"),
    "mixed_case": header() + question("VaLaMi.SERVICE.consul"),
    "apex_soa": header() + question("consul", 6),
    "refused": header() + question("example.com"),
    "nxdomain": header() + question("nosuch.service.consul"),
    "no_question": header(qd=0),
    "two_questions": header(qd=2) + question("a.service.consul") + question("b.service.consul"),
    "badvers": header(ar=1) + question("web.service.consul") + opt(version=1),
    "two_opts": header(ar=2) + question("web.service.consul") + opt() + opt(),
    "response_bit": header(flags=0x8100) + question("valami.service.consul"),
    "opcode_status": header(flags=0x1000) + question("valami.service.consul"),
    # question name compressed against itself via an answer-section owner pointer
    "compressed": header(an=1) + question("valami.service.consul")
    + b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + bytes([172, 17, 0, 3]),
    # malformed
    "truncated_header": header()[:7],
    "truncated_question": (header() + question("valami.service.consul"))[:-3],
    "counts_exceed": header(qd=0xFFFF) + question("x"),
    "pointer_loop": header() + b"\xc0\x0c\x00\x01\x00\x01",
    "pointer_cycle2": header() + b"\x01a\xc0\x11\x00\x01\x01b\xc0\x0c\x00\x01\x00\x01",
    "forward_pointer": header() + b"\xc0\x12\x00\x01\x00\x01\x01a\x00",
    "long_name": header() + (b"\x32" + b"x" * 50) * 5 + b"\0\0\x01\0\x01",
    "bad_label": header() + b"\x41a\0\0\x01\0\x01",
    "bad_rdata": header(qd=0, an=1) + b"\0" + struct.pack(">HHIH", 1, 1, 0, 5) + b"\1\2\3\4\5",
    "trailing": header() + question("valami.service.consul") + b"\xff\xff",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for case, data in CASES.items():
        with open(os.path.join(OUT, case + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
