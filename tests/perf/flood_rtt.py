#!/usr/bin/env python3
"""Fairness under attack, for flood_rtt.sh (standard library only).

Measures the command round trip (operator -> REST -> hubd -> device -> hubd ->
operator, synchronous `ping`, one at a time, as command_rtt.py) to
well-behaved devices, first with nothing else going on, then while one
registered device attacks the hub in one way at a time, each from an attacker
process of its own (a device identity of its own per attack, so that a limit
one attack earned does not carry over to the next):

  twin-reports       valid twin reports as fast as TLS carries them
  unknown-responses  command responses to commands that do not exist
  telemetry          small valid telemetry as fast as possible
  oversized          telemetry payloads just over --max-payload-bytes
  connect-loop       connect, disconnect, connect, ... without a pause

An attacker never slows down on its own: when the hub disconnects or refuses
it, it reconnects at once. Prints one JSON object (last line).
"""
import argparse, ctypes, json, multiprocessing, os, socket, ssl, struct, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from command_rtt import HttpClient, PING, percentile  # noqa: E402


def remaining_length(n):
    out = b""
    while True:
        byte = n % 128
        n //= 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def packet(header, body):
    return bytes([header]) + remaining_length(len(body)) + body


def connect_packet(client_id):
    name = client_id.encode()
    return packet(0x10, b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(name)) + name)


def publish_packet(topic, packet_id, payload):
    name = topic.encode()
    return packet(0x32, struct.pack("!H", len(name)) + name + struct.pack("!H", packet_id) + payload)


def payloads(kind, device, max_payload_bytes):
    """An endless supply of (topic, payload) for an attack kind."""
    n = int(time.time() * 1000)
    big = b'{"seq":%d,"data":"' + b"x" * (max_payload_bytes + 1024) + b'"}'
    while True:
        n += 1
        if kind == "twin-reports":
            yield "devices/%s/reported" % device, b'{"version":%d,"reported":{"k":%d}}' % (n, n)
        elif kind == "unknown-responses":
            yield "devices/%s/responses" % device, b'{"id":"nope-%d","status":200}' % n
        elif kind == "telemetry":
            yield "devices/%s/telemetry" % device, b'{"seq":%d,"data":{"t":1}}' % n
        elif kind == "oversized":
            yield "devices/%s/telemetry" % device, big % n


def enter_network_namespace(name):
    """Moves this (single-threaded) process into the named network namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns into network namespace " + name)
    os.close(fd)


def attack(kind, device, host, port, netns, ca, cert, key, max_payload_bytes, niceness, stop,
           stats):
    os.nice(niceness)
    if netns:
        enter_network_namespace(netns)
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    context.load_cert_chain(cert, key)
    source = payloads(kind, device, max_payload_bytes)
    sent = connects = refused = dropped = 0
    packet_id = 0
    while not stop.is_set():
        try:
            raw = socket.create_connection((host, port), timeout=5)
            sock = context.wrap_socket(raw)
            sock.sendall(connect_packet(device))
            connack = sock.recv(4)
            connects += 1
            if len(connack) < 4 or connack[3] != 0:
                refused += 1
                sock.close()
                continue
            if kind == "connect-loop":
                sock.sendall(b"\xe0\x00")  # DISCONNECT
                sock.close()
                continue
            sock.setblocking(False)
            while not stop.is_set():
                chunk = []
                for _ in range(1 if kind == "oversized" else 50):
                    topic, body = next(source)
                    packet_id = packet_id % 65535 + 1
                    chunk.append(publish_packet(topic, packet_id, body))
                data = b"".join(chunk)
                sock.setblocking(True)
                sock.settimeout(5)
                sock.sendall(data)
                sent += len(chunk)
                sock.setblocking(False)
                try:
                    while sock.recv(65536):
                        pass
                    raise ConnectionError("closed by the broker")
                except (BlockingIOError, ssl.SSLWantReadError):
                    pass
        except (OSError, ssl.SSLError, ConnectionError):
            dropped += 1
    stats.put({"sent": sent, "connects": connects, "refused_connects": refused,
               "connections_lost": dropped, "cpu_s": round(time.process_time(), 2)})


def cpu_seconds(pid):
    """User + system CPU time of a process so far (0 if it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def round_trips(port, token, devices, count, seconds=30.0):
    """count commands one after the other, or as many as fit in seconds."""
    client = HttpClient(port, token)
    latencies = []
    failures = 0
    deadline = time.perf_counter() + seconds
    for i in range(count):
        if time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        status, _ = client.post("/api/v1/devices/%s/commands" % devices[i % len(devices)], PING)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            failures += 1
    return latencies, failures


def summary(latencies, failures):
    return {"p50_ms": round(percentile(latencies, 0.5), 3),
            "p99_ms": round(percentile(latencies, 0.99), 3),
            "max_ms": round(max(latencies), 3), "commands": len(latencies), "failed": failures}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--mqtt-port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--devices", required=True, help="comma-separated victim device ids")
    parser.add_argument("--ca", required=True)
    parser.add_argument("--attackers", required=True,
                        help="directory with <id>.pem/<id>.key of flood-<kind> devices")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--kinds", default="twin-reports,unknown-responses,telemetry,oversized,connect-loop")
    parser.add_argument("--max-payload-bytes", type=int, default=262144)
    parser.add_argument("--hubd-pid", type=int, default=0)
    parser.add_argument("--broker-pid", type=int, default=0)
    parser.add_argument("--attacker-nice", type=int, default=0,
                        help="niceness of the attacker processes (19: as if on another machine)")
    parser.add_argument("--attacker-host", default="127.0.0.1",
                        help="the MQTT listener's address as the attackers reach it")
    parser.add_argument("--attacker-netns", default="",
                        help="network namespace the attackers run in (flood_rtt.sh BENCH_NETNS=1)")
    arguments = parser.parse_args()
    victims = arguments.devices.split(",")
    round_trips(arguments.http_port, arguments.token, victims, 200)  # warm-up
    unloaded_before = round_trips(arguments.http_port, arguments.token, victims, arguments.count)
    result = {"unloaded": summary(*unloaded_before)}
    kinds = arguments.kinds.split(",")
    for kind in kinds:
        device = "flood-" + kind
        stop = multiprocessing.Event()
        stats = multiprocessing.Queue()
        attacker = multiprocessing.Process(target=attack, args=(
            kind, device, arguments.attacker_host, arguments.mqtt_port, arguments.attacker_netns,
            arguments.ca,
            os.path.join(arguments.attackers, device + ".pem"),
            os.path.join(arguments.attackers, device + ".key"),
            arguments.max_payload_bytes, arguments.attacker_nice, stop, stats))
        attacker.start()
        time.sleep(1.0)  # the attack is under way before the first command
        started = time.perf_counter()
        cpu_before = {name: cpu_seconds(pid) for name, pid in
                      (("hubd", arguments.hubd_pid), ("broker", arguments.broker_pid))}
        loaded = summary(*round_trips(arguments.http_port, arguments.token, victims,
                                      arguments.count))
        loaded["seconds"] = round(time.perf_counter() - started, 1)
        for name, pid in (("hubd", arguments.hubd_pid), ("broker", arguments.broker_pid)):
            loaded[name + "_cpu_s"] = round(cpu_seconds(pid) - cpu_before[name], 2)
        stop.set()
        loaded["attacker"] = stats.get(timeout=30)
        attacker.join(timeout=30)
        result[kind] = loaded
        time.sleep(1.0)  # let the hub drain what the attack left before the next one
    # The same measurement again with nothing going on: drift over the run
    # (the stores have grown, the machine got busier) shows up here.
    unloaded_after = round_trips(arguments.http_port, arguments.token, victims, arguments.count)
    result["unloaded_after"] = summary(*unloaded_after)
    # The baseline is the p99 of both unloaded phases pooled: on a shared
    # machine the p99 of one unloaded phase alone moves by 2x from run to run.
    baseline = percentile(unloaded_before[0] + unloaded_after[0], 0.99)
    result["baseline_p99_ms"] = round(baseline, 3)
    for kind in kinds:
        result[kind]["ratio_p99"] = round(result[kind]["p99_ms"] / baseline, 2)
    result["worst_ratio_p99"] = max(result[kind]["ratio_p99"] for kind in kinds)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
