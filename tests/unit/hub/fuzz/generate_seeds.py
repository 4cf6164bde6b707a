#!/usr/bin/env python3
"""Writes the seed corpus of every hub fuzz target into OUT_DIR/<target>/:
valid messages and bodies of docs/protocol.md, and tricky ones: deep nesting
(the 100,000-deep poison pill of issue 11), huge numbers, NUL bytes, invalid
UTF-8, long strings, many keys. usage: generate_seeds.py OUT_DIR"""
import os
import struct
import sys
import zlib

DEEP = 100_000  # 200 KB of brackets: under hubd's 256 KiB payload limit


def deep_array(depth=DEEP):
    return b"[" * depth + b"]" * depth


def deep_object(depth=DEEP // 2):
    return b'{"a":' * depth + b"1" + b"}" * depth


# JSON values that are valid, or almost, and hard on a parser or on what
# follows it (dumping, merging, storing, rendering).
TRICKY_VALUES = [
    b'{"t":35,"a":{"b":[1,"x",null]},"s":"\\u00e9"}',
    deep_array(),
    deep_object(),
    deep_array(3000),
    b"[" * DEEP,  # unterminated
    b"123456789012345678901234567890123456789",
    b"1e999999",
    b"-1e-999999",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"-0.0",
    b'"a\\u0000b"',
    b'"raw\x00nul"',
    b'"\xff\xfe\xc0\xaf"',  # invalid UTF-8
    b'"\\ud800"',  # lone surrogate
    b'"' + b"x" * 200_000 + b'"',
    b"{" + b",".join(b'"k%d":%d' % (i, i) for i in range(20_000)) + b"}",  # README.md, findings (4)
    b'{"a":1,"a":2}',
    b"null",
]


def telemetry_seeds():
    seeds = [
        b'{"seq":1,"ts":1700000000000,"data":{"t":35,"a":{"b":[1,"x"]}}}',
        b'{"seq":2,"data":21.5}',
        b'{"batch":[{"seq":1,"data":1},{"seq":2,"data":{"t":40}},{"seq":"x"},5,{"data":1}]}',
        b'{"seq":18446744073709551615,"ts":-9223372036854775808,"data":null}',
        b'{"seq":18446744073709551616,"data":1}',
        b'{"seq":-1,"ts":1.5,"data":1}',
        b'{"seq":1,"data":1}\x00trailing',
        b'{"batch":[]}',
        b"not json",
    ]
    seeds += [b'{"seq":3,"data":' + value + b"}" for value in TRICKY_VALUES]
    seeds.append(b'{"batch":[' + b",".join(b'{"seq":%d,"data":%d}' % (i, i) for i in range(1, 1001)) + b"]}")
    seeds.append(b'{"batch":[{"seq":1,"data":' + deep_array() + b"}]}")
    return seeds


def command_response_seeds():
    seeds = [
        b'{"id":"c-1","status":200,"payload":{"interval_ms":500}}',
        b'{"id":"c-1","status":404,"payload":null}',
        b'{"id":"c-2","status":200}',
        b'{"id":"../../x","status":200}',
        b'{"id":"c-1","status":99999999999999999999}',
        b'{"id":"c-1","status":-2147483649}',
        b'{"id":1,"status":"200"}',
        b"{}",
        b"",
    ]
    seeds += [b'{"id":"c-1","status":200,"payload":' + value + b"}" for value in TRICKY_VALUES]
    return seeds


def twin_report_seeds():
    seeds = [
        b'{"version":3,"reported":{"fw":"1.2"},"desired_version":1}',
        b'{"version":1,"reported":{"fw":null,"mode":{"eco":null}}}',
        b'{"version":0,"reported":{}}',
        b'{"version":18446744073709551615,"reported":{"a":1}}',
        b'{"version":18446744073709551616,"reported":{"a":1}}',
        b'{"version":-1,"reported":{"a":1}}',
        b'{"version":2,"reported":[1,2]}',
        b'{"version":2,"reported":{"a":1},"desired_version":"x"}',
        b'{"reported":{}}',
    ]
    seeds += [b'{"version":5,"reported":{"v":' + value + b"}}" for value in TRICKY_VALUES]
    seeds.append(b'{"version":6,"reported":' + deep_object() + b"}")
    return seeds


def frame(sequence, received_at_ms, topic, payload):
    body = struct.pack("<QqI", sequence, received_at_ms, len(topic)) + topic + payload
    return struct.pack("<II", len(body), zlib.crc32(body) & 0xFFFFFFFF) + body


def journal_seeds():
    topic = b"devices/fuzz-1/telemetry"
    good = frame(1, 1000, topic, b'{"seq":1,"data":{"t":1}}') + frame(
        2, 1001, topic, b'{"batch":[{"seq":2,"data":2},{"seq":"x"}]}')
    seeds = [
        b"\x00" + good,
        b"\x01" + good,
        b"\x00" + good[:-3],  # torn tail
        b"\x00" + good[:10] + b"\xff" + good[11:],  # damaged first frame
        b"\x01" + struct.pack("<II", 20, 0) + struct.pack("<QqI", 1, 0, 0xFFFFFFFF),  # topic size past body
        b"\x01" + struct.pack("<II", 0xFFFFFFFF, 0),  # body size past any limit
        b"\x00" + frame(3, 5, b"devices/fuzz-1/responses", b"x") + frame(1, 5, b"", b""),
        b"\x00" + frame(7, 5, topic, b'{"seq":1,"data":' + deep_array() + b"}"),
        b"\x00" + frame(8, 5, topic, b'{"seq":1,"data":"\xff\x00"}'),
        b"\x00",
    ]
    return seeds


def rest_body_seeds():
    # The first byte picks the endpoint (rest_body_fuzzer.cpp).
    bodies = {
        0: [b'{"id":"boiler-9","attributes":{"site":"basement","tags":["a"]}}',
            b'{"id":"hubd"}', b'{"id":"a/b"}'],
        1: [b'{"name":"set-interval","payload":{"interval_ms":500},"timeout_ms":1000}',
            b'{"name":"ping","id":"op-1","queue":true,"ttl_ms":60000}',
            b'{"name":"ping","timeout_ms":99999999999999999999}'],
        2: [b'{"name":"hot","condition":"$.t > 30","projection":"json_object(\'t\', $.t)","stream":"hot"}',
            b'{"name":"x","condition":"1; DROP TABLE x","stream":"telemetry"}'],
        3: [b'{"condition":"$.t > 30 AND attributes.$.site = \'basement\'","projection":"$",'
            b'"device":"boiler-1","seq":5,"data":{"t":35}}'],
        4: [b'{"name":"hot","retention":{"max_records":10,"max_bytes":1000,"max_age_ms":60000,'
            b'"when_full":"reject"}}', b'{"name":"telemetry"}'],
        5: [b'{"retention":{"max_records":0,"when_full":"drop_oldest"}}',
            b'{"retention":{"max_bytes":18446744073709551616}}'],
        6: [b'{"offset":1}', b'{"offset":-1}', b'{"offset":18446744073709551615}'],
        7: [b'{"name":"ping","queue":true,"payload":[1,2,3]}'],
        8: [b'{"selector":{"id_pattern":"*"},"name":"ping","payload":{},"timeout_ms":1000}',
            b'{"selector":{"tag":"site=basement"},"name":"reboot","ttl_ms":1000}'],
        9: [b'{"desired":{"interval_ms":1000,"mode":{"eco":true}},"version":1}',
            b'{"desired":{"interval_ms":null}}', b'{"desired":[1]}'],
    }
    seeds = []
    for endpoint, given in bodies.items():
        selector = bytes([endpoint])
        seeds += [selector + body for body in given]
        seeds.append(selector + deep_array())
    # Deep nesting where each endpoint keeps a value as given.
    seeds += [
        b"\x00" + b'{"id":"boiler-9","attributes":{"a":' + deep_array() + b"}}",
        b"\x01" + b'{"name":"ping","payload":' + deep_array() + b"}",
        b"\x03" + b'{"condition":"1","device":"boiler-1","data":' + deep_array() + b"}",
        b"\x08" + b'{"selector":{"id_pattern":"*"},"name":"ping","payload":' + deep_array() + b"}",
        b"\x09" + b'{"desired":{"a":' + deep_array() + b"}}",
        b"\x09" + b'{"desired":' + deep_object() + b"}",
    ]
    seeds += [bytes([i % 10]) + value for i, value in enumerate(TRICKY_VALUES)]
    return seeds


def route_expression_seeds():
    data = b'{"t":35,"s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","a":{"b":[1,"x"]}}'
    seeds = [
        b"$.t > 30\x00json_object('t', $.t, 'room', attributes.$.room)\x00" + data,
        b"$.a.b[1] = 'x' AND device LIKE 'boiler-%'\x00\x00" + data,
        b"json_valid(payload) AND seq > 5\x00$\x00" + data,
        b"$.s LIKE '%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%b'\x00\x00" + data,
        b"$.s GLOB '*a*a*a*a*a*a*a*a*a*a*a*b'\x00\x00" + data,
        b"1; DROP TABLE x\x00\x00{}",
        b"(select 1)\x00\x00{}",
        b"load_extension('x')\x00\x00{}",
        b"'unterminated\x00\x00{}",
        b"$.\x00$[\x00{}",
        b"length(printf('%.*c', 2147483647, 'x')) > 0\x00\x00{}",
        b"json_array_length($) > 0\x00json_group_array(1)\x00" + deep_array(),
        b"$.a > 0\x00$\x00" + deep_object(),
        b"1\x00$\x00" + b'"\xff\x00"',
    ]
    return seeds


TARGETS = {
    "telemetry_fuzzer": telemetry_seeds,
    "command_response_fuzzer": command_response_seeds,
    "twin_report_fuzzer": twin_report_seeds,
    "journal_fuzzer": journal_seeds,
    "rest_body_fuzzer": rest_body_seeds,
    "route_expression_fuzzer": route_expression_seeds,
}


def main():
    out = sys.argv[1]
    for target, make in TARGETS.items():
        directory = os.path.join(out, target)
        os.makedirs(directory, exist_ok=True)
        for index, seed in enumerate(make()):
            with open(os.path.join(directory, "seed-%03d" % index), "wb") as file:
                file.write(seed)


if __name__ == "__main__":
    main()
