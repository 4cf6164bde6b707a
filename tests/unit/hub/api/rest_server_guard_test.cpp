// What an abusive HTTP client can do to the REST server over a real loopback
// socket: slow and silent connections, endless heads, bodies the server must
// not read. The operator's requests must keep answering in normal time.
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "api/rest_server.h"
#include "edgehub/test/raw_http_connection.h"
#include "rest_server_fixture.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace edgehub::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::size_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

std::string authorized_get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kToken + "\r\n\r\n";
}

RestServerSettings with_short_deadlines() {
  auto settings = small_server_settings();
  settings.head_timeout = 300ms;
  settings.keep_alive_idle_timeout = 300ms;
  return settings;
}

// Sends `filler` until `total` bytes are sent or the server stops taking
// them, on its own thread (the test reads the answer meanwhile).
class Flood {
 public:
  Flood(RawHttpConnection& connection, std::string start, std::size_t total)
      : thread_([&connection, start = std::move(start), total, this] {
          if (!connection.send(start)) return;
          const std::string filler(64 * 1024, 'a');
          while (sent_ < total && connection.send(filler)) sent_ += filler.size();
        }) {}
  ~Flood() { thread_.join(); }
  std::size_t sent() const { return sent_; }

 private:
  std::atomic<std::size_t> sent_{0};
  std::thread thread_;
};

void check_endless_head_is_cut(ServerFixture& fixture, const std::string& start) {
  const std::size_t before = resident_kib();
  std::string answer;
  {
    RawHttpConnection attacker(fixture.server.port());
    REQUIRE(attacker.connected());
    Flood flood(attacker, start, std::size_t{300} * 1024 * 1024);
    answer = attacker.response(10s);
    ::shutdown(attacker.socket(), SHUT_RDWR);  // ends the flood if still running
  }
  INFO(answer);
  CHECK(status_of(answer) == 431);
  CHECK(answer.find("\"too_large\"") != std::string::npos);
  const std::size_t after = resident_kib();
  CHECK(after < before + 50 * 1024);
  CHECK(fixture.server.limit_hits("max_head_bytes") == 1);
  auto ok = fixture.client().Get("/api/v1/devices", fixture.authorized());
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

}  // namespace

TEST_CASE("slow unauthenticated connections do not keep an operator out") {
  ServerFixture fixture;  // 4 workers, 64 unauthenticated connections at most
  std::vector<std::unique_ptr<RawHttpConnection>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<RawHttpConnection>(fixture.server.port()));
    REQUIRE(slow.back()->connected());
    slow.back()->send("G");
  }
  std::atomic<bool> dripping{true};
  std::thread drip([&] {
    const std::string rest = "ET /api/v1/devices HTTP/1.1\r\n";
    for (std::size_t byte = 0; dripping && byte < rest.size(); ++byte) {
      for (auto& connection : slow) connection->send(std::string(1, rest[byte]));
      for (int tick = 0; dripping && tick < 10; ++tick) std::this_thread::sleep_for(100ms);
    }
  });
  // While they drip, the operator's requests answer as usual.
  auto max_latency = 0ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto reply = fixture.client().Get("/api/v1/devices", fixture.authorized());
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    REQUIRE(reply);
    CHECK(reply->status == 200);
    max_latency = std::max(max_latency, took);
    std::this_thread::sleep_for(100ms);
  }
  dripping = false;
  drip.join();
  CHECK(max_latency < 1000ms);
  CHECK(fixture.server.limit_hits("max_unauthenticated_connections") >= 136);
}

TEST_CASE("an endless request line is cut at the head limit with 431, memory stays bounded") {
  ServerFixture fixture;
  check_endless_head_is_cut(fixture, "GET /");
}

TEST_CASE("an endless header line is cut at the head limit with 431, memory stays bounded") {
  ServerFixture fixture;
  check_endless_head_is_cut(fixture, "GET /api/v1/health HTTP/1.1\r\nX-Endless: ");
}

TEST_CASE("a chunked body and a Content-Length over the limit are refused unread") {
  ServerFixture fixture;  // 1024 bytes of body at most
  for (const auto& [header, status] :
       std::vector<std::pair<std::string, int>>{{"Transfer-Encoding: chunked", 411},
                                                {"Content-Length: 100000000", 413},
                                                {"Content-Length: 1025", 413},
                                                {"Content-Encoding: gzip", 415}}) {
    INFO(header);
    RawHttpConnection client(fixture.server.port());
    // The head only: the answer must come without the body being sent.
    REQUIRE(client.send("POST /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer " + kToken +
                        "\r\n" + header + "\r\n\r\n"));
    const std::string answer = client.response(2s);
    CHECK(status_of(answer) == status);
    CHECK(answer.find("\"error\"") != std::string::npos);
    CHECK(client.closed_by_server(2s));
  }
  auto devices = fixture.client().Get("/api/v1/devices", fixture.authorized());
  REQUIRE(devices);
  CHECK(json::parse(devices->body)["devices"].empty());
}

TEST_CASE("a POST without a token is answered 401 before its body is sent") {
  ServerFixture fixture;
  RawHttpConnection client(fixture.server.port());
  REQUIRE(client.send("POST /api/v1/devices HTTP/1.1\r\nContent-Length: 12\r\n\r\n"));
  const std::string answer = client.response(2s);
  CHECK(status_of(answer) == 401);
  CHECK(answer.find("\"unauthorized\"") != std::string::npos);
  CHECK(client.closed_by_server(2s));
}

TEST_CASE("the head deadline closes a silent connection and answers 408 to a partial head") {
  ServerFixture fixture(with_short_deadlines());
  RawHttpConnection silent(fixture.server.port());
  RawHttpConnection partial(fixture.server.port());
  REQUIRE(partial.send("GET /api/v1/devices HTTP/1.1\r\nAuthoriz"));
  const auto start = std::chrono::steady_clock::now();
  CHECK(silent.closed_by_server(3s));
  CHECK(silent.receive(0ms).empty());
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(status_of(partial.response(3s)) == 408);
  CHECK(partial.closed_by_server(2s));
  CHECK(fixture.server.limit_hits("head_timeout") == 2);
}

TEST_CASE("a keep-alive connection serves several requests, then idles out") {
  ServerFixture fixture(with_short_deadlines());
  RawHttpConnection client(fixture.server.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(client.send(authorized_get("/api/v1/devices")));
    const std::string answer = client.response(2s);
    CHECK(status_of(answer) == 200);
    CHECK(answer.find("Keep-Alive:") != std::string::npos);
  }
  // Two requests in one go (pipelined) are both answered.
  REQUIRE(client.send(authorized_get("/api/v1/devices") + authorized_get("/api/v1/health")));
  CHECK(status_of(client.response(2s)) == 200);
  CHECK(status_of(client.response(2s)) == 200);
  CHECK(client.closed_by_server(3s));
}

TEST_CASE("the keep-alive request count closes the connection after the last request") {
  auto settings = small_server_settings();
  settings.keep_alive_requests = 2;
  ServerFixture fixture(settings);
  RawHttpConnection client(fixture.server.port());
  REQUIRE(client.send(authorized_get("/api/v1/devices")));
  CHECK(client.response(2s).find("Keep-Alive:") != std::string::npos);
  REQUIRE(client.send(authorized_get("/api/v1/devices")));
  CHECK(client.response(2s).find("Connection: close") != std::string::npos);
  CHECK(client.closed_by_server(2s));
}

TEST_CASE("the oldest connection without a token gives way to a newcomer") {
  auto settings = small_server_settings();
  settings.max_unauthenticated_connections = 4;
  ServerFixture fixture(settings);
  std::vector<std::unique_ptr<RawHttpConnection>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::make_unique<RawHttpConnection>(fixture.server.port()));
    std::this_thread::sleep_for(20ms);  // a clear order of arrival
  }
  RawHttpConnection newcomer(fixture.server.port());
  CHECK(waiting.front()->closed_by_server(2s));
  CHECK_FALSE(waiting.back()->closed_by_server(200ms));
  REQUIRE(newcomer.send(authorized_get("/api/v1/devices")));
  CHECK(status_of(newcomer.response(2s)) == 200);
  CHECK(fixture.server.limit_hits("max_unauthenticated_connections") == 1);
}

TEST_CASE("over the connection cap a new connection is answered 503") {
  auto settings = small_server_settings();
  settings.max_connections = 3;
  ServerFixture fixture(settings);
  std::vector<std::unique_ptr<RawHttpConnection>> operators;
  for (int i = 0; i < 3; ++i) {
    operators.push_back(std::make_unique<RawHttpConnection>(fixture.server.port()));
    REQUIRE(operators.back()->send(authorized_get("/api/v1/devices")));
    REQUIRE(status_of(operators.back()->response(2s)) == 200);
  }
  RawHttpConnection fourth(fixture.server.port());
  CHECK(status_of(fourth.response(2s)) == 503);
  CHECK(fixture.server.limit_hits("max_connections") == 1);
  // The open ones still work.
  REQUIRE(operators.front()->send(authorized_get("/api/v1/devices")));
  CHECK(status_of(operators.front()->response(2s)) == 200);
}

TEST_CASE("event streams work, cannot take every worker, and stop() ends them promptly") {
  auto fixture = std::make_unique<ServerFixture>();  // 4 workers: 3 for long requests
  NewRecord record;
  record.stream = "telemetry";
  record.received_at_ms = 7;
  record.device_id = "d1";
  record.seq = 1;
  record.topic = "devices/d1/telemetry";
  record.payload = "{\"n\":1}";
  REQUIRE(fixture->streams.append(record).ok());
  std::vector<std::unique_ptr<RawHttpConnection>> tails;
  for (int i = 0; i < 4; ++i) {
    tails.push_back(std::make_unique<RawHttpConnection>(fixture->server.port()));
    REQUIRE(tails.back()->send(authorized_get("/api/v1/streams/telemetry/events?from=0")));
  }
  int streaming = 0;
  for (auto& tail : tails) {
    if (tail->receive(1s, "event: record").find("event: record") != std::string::npos) {
      ++streaming;
    }
  }
  CHECK(streaming == 3);  // the fourth waits for a worker
  // Short requests still have their worker.
  const auto start = std::chrono::steady_clock::now();
  auto devices = fixture->client().Get("/api/v1/devices", fixture->authorized());
  REQUIRE(devices);
  CHECK(devices->status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);
  // One tail leaves: the waiting one starts.
  tails.front().reset();
  CHECK(tails.back()->receive(3s, "event: record").find("event: record") != std::string::npos);

  const auto stopping = std::chrono::steady_clock::now();
  fixture->server.stop();
  CHECK(std::chrono::steady_clock::now() - stopping < 3s);
  CHECK(tails.back()->closed_by_server(1s));
}

TEST_CASE("a body that does not arrive in time is cut at the body deadline") {
  auto settings = small_server_settings();
  settings.body_timeout = 300ms;
  ServerFixture fixture(settings);
  RawHttpConnection client(fixture.server.port());
  REQUIRE(client.send("POST /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer " + kToken +
                      "\r\nContent-Length: 10\r\n\r\n{\"id\""));
  const auto start = std::chrono::steady_clock::now();
  CHECK(status_of(client.response(3s)) == 400);
  CHECK(client.closed_by_server(2s));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(fixture.server.limit_hits("body_timeout") == 1);
  // The worker is free again.
  auto devices = fixture.client().Get("/api/v1/devices", fixture.authorized());
  REQUIRE(devices);
  CHECK(devices->status == 200);
}
