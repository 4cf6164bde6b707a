#!/usr/bin/env python3
"""Command round-trip measurements for command_rtt.sh (standard library only).

hub:  operator -> REST (keep-alive) -> hubd -> mosquitto -> device (firmware-sim)
      -> mosquitto -> hubd -> REST answer, one command at a time, then with
      --concurrency parallel operators for the throughput.
raw:  the same request/response through a plain mosquitto over the same TLS,
      QoS 1 both ways, with two minimal MQTT 3.1.1 clients written here.
Prints one JSON object.
"""
import argparse, json, socket, ssl, statistics, struct, sys, threading, time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class HttpClient:
    """HTTP/1.1 keep-alive over a plain socket, just enough for the command API:
    as minimal as the MQTT clients of the raw round trip below (http.client
    spent about 100 us per request of its own in Python)."""

    def __init__(self, port, token):
        self.port = port
        self.token = token.encode()
        self.sock = None
        self.connect()

    def connect(self):
        if self.sock:
            self.sock.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def post(self, path, body):
        self.sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                          b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                          % (path.encode(), self.token, len(body), body))
        while b"\r\n\r\n" not in self.buffer:
            self.receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buffer) < length:
            self.receive()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        if any(line.lower().replace(b" ", b"") == b"connection:close" for line in lines[1:]):
            self.connect()
        return status, data

    def receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("the hub closed the connection")
        self.buffer += chunk


PING = json.dumps({"name": "ping", "timeout_ms": 5000}).encode()


def hub_round_trips(port, token, devices, count):
    client = HttpClient(port, token)
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        status, data = client.post("/api/v1/devices/%s/commands" % devices[i % len(devices)], PING)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit("command %d failed: %d %s" % (i, status, data[:200]))
    return latencies


def hub_throughput(port, token, devices, count, concurrency):
    done = [0]
    lock = threading.Lock()

    def worker(offset):
        client = HttpClient(port, token)
        i = offset
        while True:
            with lock:
                if done[0] >= count:
                    return
                done[0] += 1
            status, _ = client.post("/api/v1/devices/%s/commands" % devices[i % len(devices)], PING)
            if status != 200:
                raise SystemExit("command failed: %d" % status)
            i += concurrency

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started)


class MqttClient:
    """MQTT 3.1.1 over TLS, QoS 1, just enough for request/response."""

    def __init__(self, port, ca, client_id):
        context = ssl.create_default_context(cafile=ca)
        context.check_hostname = False
        raw = socket.create_connection(("127.0.0.1", port))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = context.wrap_socket(raw)
        self.buffer = b""
        self.packet_id = 0
        name = client_id.encode()
        variable = b"\x00\x04MQTT\x04\x02\x00\x3c"
        payload = struct.pack("!H", len(name)) + name
        self.send(0x10, variable + payload)
        kind, _ = self.read()
        assert kind == 0x20, "no CONNACK"

    @staticmethod
    def length(n):
        out = b""
        while True:
            byte = n % 128
            n //= 128
            out += bytes([byte | (0x80 if n else 0)])
            if not n:
                return out

    def send(self, header, body):
        self.sock.sendall(bytes([header]) + self.length(len(body)) + body)

    def read(self):
        while True:
            if len(self.buffer) >= 2:
                multiplier, value, at = 1, 0, 1
                while at < len(self.buffer):
                    byte = self.buffer[at]
                    value += (byte & 0x7F) * multiplier
                    multiplier *= 128
                    at += 1
                    if not byte & 0x80:
                        if len(self.buffer) >= at + value:
                            header = self.buffer[0]
                            body = self.buffer[at:at + value]
                            self.buffer = self.buffer[at + value:]
                            return header & 0xF0, (header, body)
                        break
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("connection closed")
            self.buffer += chunk

    def subscribe(self, topic):
        self.packet_id += 1
        name = topic.encode()
        self.send(0x82, struct.pack("!H", self.packet_id) + struct.pack("!H", len(name)) + name + b"\x01")
        while self.read()[0] != 0x90:
            pass

    def publish(self, topic, payload):
        self.packet_id = self.packet_id % 65535 + 1
        name = topic.encode()
        self.send(0x32, struct.pack("!H", len(name)) + name + struct.pack("!H", self.packet_id) + payload)

    def next_message(self):
        """The next PUBLISH (acknowledged); PUBACKs for our own publishes are skipped."""
        while True:
            kind, (header, body) = self.read()
            if kind != 0x30:
                continue
            topic_length = struct.unpack("!H", body[:2])[0]
            at = 2 + topic_length
            if (header >> 1) & 3:
                packet_id = body[at:at + 2]
                at += 2
                self.send(0x40, packet_id)
            return body[2:2 + topic_length].decode(), body[at:]


def raw_round_trips(port, ca, count):
    responder = MqttClient(port, ca, "raw-responder")
    responder.subscribe("raw/request")
    requester = MqttClient(port, ca, "raw-requester")
    requester.subscribe("raw/response")

    def respond():
        for _ in range(count):
            _, payload = responder.next_message()
            responder.publish("raw/response", payload)

    thread = threading.Thread(target=respond)
    thread.start()
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        requester.publish("raw/request", b'{"id":"%d","name":"ping"}' % i)
        requester.next_message()
        latencies.append((time.perf_counter() - started) * 1000)
    thread.join()
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--devices", required=True, help="comma-separated device ids")
    parser.add_argument("--raw-port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    devices = arguments.devices.split(",")
    hub_round_trips(arguments.http_port, arguments.token, devices, 100)  # warm-up
    hub = hub_round_trips(arguments.http_port, arguments.token, devices, arguments.count)
    rate = hub_throughput(arguments.http_port, arguments.token, devices, arguments.count,
                          arguments.concurrency)
    raw_round_trips(arguments.raw_port, arguments.ca, 100)  # warm-up
    raw = raw_round_trips(arguments.raw_port, arguments.ca, arguments.count)
    print(json.dumps({
        "p50_ms": round(percentile(hub, 0.5), 3), "p99_ms": round(percentile(hub, 0.99), 3),
        "mean_ms": round(statistics.mean(hub), 3),
        "raw_p50_ms": round(percentile(raw, 0.5), 3), "raw_p99_ms": round(percentile(raw, 0.99), 3),
        "commands_per_s": round(rate, 1), "commands": arguments.count,
        "concurrency": arguments.concurrency}))


if __name__ == "__main__":
    sys.exit(main())
