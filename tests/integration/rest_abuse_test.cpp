// An attacker who can reach hubd's REST port but has no token: slow
// connections (slowloris), endless request and header lines, bodies the
// server must not read. hubd stays up, its memory stays bounded, and the
// operator (hubctl, authenticated requests) is served in normal time
// throughout.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "edgehub/test/raw_http_connection.h"
#include "support/hub_under_test.h"

using namespace edgehub::itest;
using namespace edgehub::test;
using namespace std::chrono_literals;

namespace {

// hubd's pid: the process whose command line names this hub's data dir.
std::optional<pid_t> hubd_pid(const HubUnderTest& hub) {
  const std::string data_dir = hub.data_dir().string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream file(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (cmdline.find("hubd") != std::string::npos &&
        cmdline.find(std::string("--data-dir") + '\0' + data_dir) != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return std::nullopt;
}

std::size_t resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

// The operator's view during an attack: hubctl and an authenticated GET work
// and answer quickly.
void check_operator_is_served(HubUnderTest& hub) {
  const auto listed = hub.hubctl({"--json", "devices", "list"}, 10s);
  INFO(listed.err);
  CHECK(listed.exited_with(0));
  CHECK(listed.elapsed < 3s);
  const auto start = std::chrono::steady_clock::now();
  const auto devices = hub.get("/api/v1/devices", 5s);
  INFO(devices.describe());
  CHECK(devices.status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
}

// Sends a head that never ends, up to 300 MB or until hubd stops taking it,
// and returns hubd's answer.
std::string flood_endless_head(const HubUnderTest& hub, const std::string& start) {
  RawHttpConnection attacker(static_cast<std::uint16_t>(hub.http_port()));
  REQUIRE(attacker.connected());
  std::thread flood([&] {
    if (!attacker.send(start)) return;
    const std::string filler(64 * 1024, 'a');
    for (std::size_t sent = 0; sent < std::size_t{300} * 1024 * 1024; sent += filler.size()) {
      if (!attacker.send(filler)) return;
    }
  });
  const std::string answer = attacker.response(15s);
  ::shutdown(attacker.socket(), SHUT_RDWR);
  flood.join();
  return answer;
}

}  // namespace

TEST_CASE("slowloris without a token does not lock the operator out") {
  HubUnderTest hub({.name = "rest-slowloris", .log_level = "info"});
  std::vector<std::unique_ptr<RawHttpConnection>> slow;
  for (int i = 0; i < 300; ++i) {
    slow.push_back(
        std::make_unique<RawHttpConnection>(static_cast<std::uint16_t>(hub.http_port())));
    REQUIRE(slow.back()->connected());
    slow.back()->send("P");
  }
  std::atomic<bool> dripping{true};
  std::thread drip([&] {
    const std::string rest = "OST /api/v1/devices HTTP/1.1\r\nContent-Length: 10\r\nX: ";
    for (std::size_t byte = 0; dripping && byte < rest.size(); ++byte) {
      for (auto& connection : slow) connection->send(std::string(1, rest[byte]));
      for (int tick = 0; dripping && tick < 10; ++tick) std::this_thread::sleep_for(100ms);
    }
  });
  for (int round = 0; round < 3; ++round) {
    check_operator_is_served(hub);
    std::this_thread::sleep_for(1s);
  }
  dripping = false;
  drip.join();
  CHECK(hub.hubd_running());
  const std::string log = hub.log_tails(200);
  CHECK(log.find("max_unauthenticated_connections") != std::string::npos);
}

TEST_CASE("endless request and header lines are cut with 431 and do not grow hubd") {
  HubUnderTest hub({.name = "rest-endless", .log_level = "info"});
  const auto pid = hubd_pid(hub);
  REQUIRE(pid);
  const std::size_t before = resident_kib(*pid);
  for (const std::string& start :
       {std::string("GET /"), std::string("GET /api/v1/health HTTP/1.1\r\nX-Endless: ")}) {
    const std::string answer = flood_endless_head(hub, start);
    INFO(answer);
    CHECK(status_of(answer) == 431);
    check_operator_is_served(hub);
  }
  const std::size_t after = resident_kib(*pid);
  INFO("VmRSS before " << before << " kB, after " << after << " kB");
  CHECK(after < before + 50 * 1024);
  CHECK(hub.hubd_running());
}

TEST_CASE("bodies are refused unread: chunked, too long, and without a token") {
  HubUnderTest hub({.name = "rest-bodies",
                    .log_level = "info",
                    .extra_arguments = {"--http-max-body-bytes", "1024"}});
  const std::string token = hub.api_token();
  const std::uint16_t port = static_cast<std::uint16_t>(hub.http_port());
  const auto devices_before = hub.get("/api/v1/devices").json["devices"];
  const std::vector<std::pair<std::string, int>> cases = {
      {"Authorization: Bearer " + token + "\r\nTransfer-Encoding: chunked\r\n", 411},
      {"Authorization: Bearer " + token + "\r\nContent-Length: 300000000\r\n", 413},
      {"Authorization: Bearer " + token + "\r\nContent-Length: 1025\r\n", 413},
      {"Content-Length: 300000000\r\n", 401},
      {"Transfer-Encoding: chunked\r\n", 401},
  };
  for (const auto& [headers, status] : cases) {
    INFO(headers);
    RawHttpConnection client(port);
    // The head only: the answer comes without the body.
    REQUIRE(client.send("POST /api/v1/devices HTTP/1.1\r\nHost: hub\r\n" + headers + "\r\n"));
    const std::string answer = client.response(3s);
    CHECK(status_of(answer) == status);
    CHECK(answer.find("\"error\"") != std::string::npos);
    CHECK(client.closed_by_server(3s));
  }
  // A chunked body sent whole is not taken either.
  RawHttpConnection chunked(port);
  std::string body = "POST /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer " + token +
                     "\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 64; ++i) body += "400\r\n" + std::string(1024, ' ') + "\r\n";
  body += "0\r\n\r\n";
  chunked.send(body);
  CHECK(status_of(chunked.response(3s)) == 411);
  check_operator_is_served(hub);
  // A body at the limit is read and handled (400: not a device object).
  RawHttpConnection at_limit(port);
  REQUIRE(at_limit.send("POST /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer " + token +
                        "\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, ' ')));
  CHECK(status_of(at_limit.response(3s)) == 400);
  // None of the refused bodies created a device.
  CHECK(hub.get("/api/v1/devices").json["devices"] == devices_before);
  CHECK(hub.hubd_running());
}
