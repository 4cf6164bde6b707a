// The harness the other integration tests stand on: it must see exit codes,
// output and timeouts exactly, never leave a process behind, and read what
// the programs wrote correctly (the checks built on it must be able to fail).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include "support/command.h"
#include "support/free_port.h"
#include "support/mqtt_cli.h"
#include "support/process.h"
#include "support/stream_records.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;

TEST_CASE("run_command reports the exit code, stdout and stderr of a program") {
  const auto result = run_command({"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3"});
  INFO(result.describe());
  CHECK(result.exited_with(3));
  CHECK_FALSE(result.timed_out);
  CHECK(result.out == "to-out\n");
  CHECK(result.err == "to-err\n");
}

TEST_CASE("run_command kills a program that outlives its timeout and says so") {
  const auto result = run_command({"/bin/sh", "-c", "sleep 30"}, 300ms);
  INFO(result.describe());
  CHECK(result.timed_out);
  CHECK_FALSE(result.exited_with(0));
  CHECK(result.elapsed < 5s);
}

TEST_CASE("a Process that ignores SIGTERM is killed by stop() after the grace period") {
  TempDir dir("harness");
  Process stubborn("stubborn",
                   {"/bin/sh", "-c", "trap '' TERM; echo re''ady; while :; do sleep 0.05; done"},
                   dir / "stubborn.log");
  REQUIRE(wait_until([&] { return stubborn.log_tail().find("\nready") != std::string::npos; }, 5s));
  const auto status = stubborn.stop(200ms);
  CHECK(status.signal == SIGKILL);
  CHECK_FALSE(stubborn.running());
  CHECK(process_is_gone(stubborn.pid()));
}

TEST_CASE("a Process is killed when it goes out of scope") {
  TempDir dir("harness");
  pid_t pid = -1;
  {
    Process sleeper("sleeper", {"/bin/sleep", "30"}, dir / "sleeper.log");
    pid = sleeper.pid();
    CHECK(sleeper.running());
  }
  CHECK(process_is_gone(pid));
}

TEST_CASE("free_port returns a loopback port that can be bound") {
  const int port = free_port();
  CHECK(port > 0);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  ::close(fd);
}

TEST_CASE("wait_until returns as soon as the condition holds, and false at the deadline") {
  int calls = 0;
  CHECK(wait_until([&] { return ++calls == 3; }, 5s, 1ms));
  CHECK(calls == 3);
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(wait_until([] { return false; }, 100ms, 10ms));
  CHECK(std::chrono::steady_clock::now() - started >= 100ms);
}

TEST_CASE("offset_gap_problem finds a gap, a repeat and a wrong start") {
  using nlohmann::json;
  CHECK(offset_gap_problem({}) == "");
  CHECK(offset_gap_problem({json{{"offset", 0}}, json{{"offset", 1}}}) == "");
  CHECK(offset_gap_problem({json{{"offset", 0}}, json{{"offset", 2}}}) ==
        "expected offset 1, found 2");
  CHECK(offset_gap_problem({json{{"offset", 0}}, json{{"offset", 0}}}) ==
        "expected offset 1, found 0");
  CHECK(offset_gap_problem({json{{"offset", 1}}}) == "expected offset 0, found 1");
  CHECK(offset_gap_problem({json{{"seq", 1}}}) != "");
}

TEST_CASE("records_per_device_seq counts duplicates per device") {
  using nlohmann::json;
  const auto counts =
      records_per_device_seq({json{{"device", "a"}, {"seq", 1}}, json{{"device", "b"}, {"seq", 1}},
                              json{{"device", "a"}, {"seq", 1}}});
  CHECK(counts.size() == 2);
  CHECK(counts.at({"a", 1}) == 2);
  CHECK(counts.at({"b", 1}) == 1);
}

TEST_CASE("the ack log and mosquitto_sub's output are read as written") {
  TempDir dir("harness");
  write_text_file(dir / "acks.log", "dev-1 17\ndev-2 18446744073709551615\n");
  CHECK(read_ack_log(dir / "acks.log") ==
        std::vector<DeviceSeq>{{"dev-1", 17}, {"dev-2", 18446744073709551615ULL}});

  write_text_file(
      dir / "sub.log",
      "Client m received CONNACK (0)\nClient m received SUBACK\nSubscribed (mid: 1): 128, 1\n"
      "devices/m/commands {\"id\":\"c-1\"}\ndevices/m/commandsX not-this\n");
  CHECK(suback_codes(dir / "sub.log") == std::vector<int>{128, 1});
  CHECK(received_on(dir / "sub.log", "devices/m/commands") ==
        std::vector<std::string>{"devices/m/commands {\"id\":\"c-1\"}"});
  CHECK(received_on(dir / "sub.log", "devices/other/commands").empty());
  write_text_file(dir / "empty.log", "Client m received CONNACK (0)\n");
  CHECK_FALSE(suback_codes(dir / "empty.log").has_value());
}
