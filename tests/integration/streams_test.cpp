// Streams as consumers see them on a real hub: offsets stay gap-free across
// a hub crash, a redelivered message is stored once, a consumer group resumes
// at its commit after hubd is killed with SIGKILL, a long-poll and an event
// stream receive a record appended while they wait, and retention / the
// reject policy do what the stream's configuration says.
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <future>
#include <sstream>
#include <thread>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/stream_records.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

void publish_telemetry(const MqttConnection& connection, const std::string& device,
                       unsigned long long seq) {
  const auto published =
      mqtt_publish(connection, "devices/" + device + "/telemetry",
                   telemetry_payload(seq, R"({"n":)" + std::to_string(seq) + "}"));
  REQUIRE_MESSAGE(published.exited_with(0), published.describe());
}

std::vector<std::uint64_t> offsets_of(const json& answer) {
  std::vector<std::uint64_t> offsets;
  for (const json& record : answer.at("records")) offsets.push_back(record.at("offset"));
  return offsets;
}

}  // namespace

TEST_CASE("a consumer group resumes at its commit after hubd is killed, offsets stay gap-free") {
  HubUnderTest hub({.name = "streams-groups", .log_level = "info"});
  const auto device = hub.register_device("meter-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  for (unsigned long long seq = 1; seq <= 5; ++seq) publish_telemetry(connection, "meter-1", seq);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") == 5; }, 15s, 50ms));

  // The consumer processed offsets 0-2 and commits 3 (the next to process).
  const auto committed = hub.hubctl({"streams", "commit", "telemetry", "billing", "3"});
  REQUIRE_MESSAGE(committed.exited_with(0), committed.describe());

  hub.kill_hard();
  hub.restart();
  // A redelivery of a stored message (the device resending seq 5) is not stored again.
  publish_telemetry(connection, "meter-1", 5);
  for (unsigned long long seq = 6; seq <= 7; ++seq) publish_telemetry(connection, "meter-1", seq);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 7; }, 15s, 50ms));
  std::this_thread::sleep_for(300ms);
  const auto records = hub.read_stream("telemetry");
  CHECK(records.size() == 7);
  CHECK(offset_gap_problem(records) == "");
  for (const auto& [key, count] : records_per_device_seq(records)) {
    CHECK_MESSAGE(count == 1, key.first << " seq " << key.second << " stored " << count << " times");
  }

  const auto resumed = hub.get("/api/v1/streams/telemetry/records?group=billing&limit=100");
  REQUIRE_MESSAGE(resumed.status == 200, resumed.describe());
  CHECK(offsets_of(resumed.json) == std::vector<std::uint64_t>{3, 4, 5, 6});
  CHECK(resumed.json.at("next_offset") == 7);

  const auto groups = hub.hubctl({"--json", "streams", "groups", "telemetry"});
  REQUIRE_MESSAGE(groups.exited_with(0), groups.describe());
  const json listed = json::parse(groups.out);
  REQUIRE(listed.at("groups").size() == 1);
  CHECK(listed.at("groups").at(0).at("committed_offset") == 3);
  CHECK(listed.at("groups").at(0).at("lag") == 4);
}

TEST_CASE("a long-poll and an event stream receive a record appended while they wait") {
  HubUnderTest hub({.name = "streams-tail", .log_level = "info"});
  const auto device = hub.register_device("tail-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};

  // Nothing arrives: the long-poll answers empty after wait_ms.
  const auto empty = hub.get("/api/v1/streams/telemetry/records?from=0&wait_ms=300");
  REQUIRE_MESSAGE(empty.status == 200, empty.describe());
  CHECK(empty.json.at("records").empty());

  // Server-Sent Events: collect what arrives until the first record event.
  std::promise<std::string> first_event;
  std::atomic<bool> done{false};
  std::thread events([&] {
    httplib::Client client("127.0.0.1", hub.http_port());
    client.set_read_timeout(30s);
    std::string received;
    bool delivered = false;
    client.Get("/api/v1/streams/telemetry/events?from=0",
               {{"Authorization", "Bearer " + hub.api_token()}},
               [&](const char* data, std::size_t length) {
                 received.append(data, length);
                 if (!delivered && received.find("\n\n") != std::string::npos &&
                     received.find("event: record") != std::string::npos) {
                   delivered = true;
                   first_event.set_value(received);
                 }
                 return !done;  // returning false ends the request
               });
    if (!delivered) first_event.set_value(received);
  });
  auto long_poll = std::async(std::launch::async, [&] {
    return hub.get("/api/v1/streams/telemetry/records?from=0&wait_ms=20000", 30s);
  });
  std::this_thread::sleep_for(500ms);
  const auto started = std::chrono::steady_clock::now();
  publish_telemetry(connection, "tail-1", 42);

  const auto answer = long_poll.get();
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  REQUIRE_MESSAGE(answer.status == 200, answer.describe());
  REQUIRE(answer.json.at("records").size() == 1);
  CHECK(answer.json.at("records").at(0).at("seq") == 42);
  CHECK(answer.json.at("records").at(0).at("payload") == json{{"n", 42}});

  auto event_future = first_event.get_future();
  REQUIRE(event_future.wait_for(20s) == std::future_status::ready);
  const std::string event = event_future.get();
  done = true;
  events.join();
  INFO("event stream: " << event);
  CHECK(event.find("id: 0\nevent: record\ndata: ") != std::string::npos);
  const auto data_at = event.find("data: ");
  REQUIRE(data_at != std::string::npos);
  const json record = json::parse(event.substr(data_at + 6, event.find('\n', data_at) - data_at - 6),
                                  nullptr, false);
  REQUIRE_FALSE(record.is_discarded());
  CHECK(record.at("seq") == 42);

  // hubctl streams tail follows the stream the same way.
  auto tail = std::async(std::launch::async, [&] {
    return hub.hubctl({"streams", "tail", "telemetry", "--count", "1"}, 30s);
  });
  // hubctl may start slowly on a loaded machine: publish until it has printed one.
  unsigned long long seq = 43;
  do {
    std::this_thread::sleep_for(1s);
    publish_telemetry(connection, "tail-1", seq++);
  } while (tail.wait_for(1s) != std::future_status::ready && seq < 63);
  const auto tailed = tail.get();
  REQUIRE_MESSAGE(tailed.exited_with(0), tailed.describe());
  CHECK(tailed.out.find("seq=4") != std::string::npos);
  CHECK(tailed.out.find("seq=42") == std::string::npos);  // from now on, like tail -f

  // A reconnecting EventSource (Last-Event-ID: 0) continues at offset 1.
  httplib::Client client("127.0.0.1", hub.http_port());
  client.set_read_timeout(10s);
  std::string resumed;
  client.Get("/api/v1/streams/telemetry/events",
             {{"Authorization", "Bearer " + hub.api_token()}, {"Last-Event-ID", "0"}},
             [&](const char* data, std::size_t length) {
               resumed.append(data, length);
               return resumed.find("\n\n") == std::string::npos;
             });
  CHECK(resumed.rfind("id: 1\nevent: record\ndata: ", 0) == 0);
}

TEST_CASE("retention keeps the newest records; a full stream under reject refuses and counts") {
  HubUnderTest hub({.name = "streams-retention", .log_level = "info"});
  const auto device = hub.register_device("ret-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  const auto configured =
      hub.hubctl({"streams", "config", "telemetry", "--max-records", "3"});
  REQUIRE_MESSAGE(configured.exited_with(0), configured.describe());
  for (unsigned long long seq = 1; seq <= 5; ++seq) publish_telemetry(connection, "ret-1", seq);
  REQUIRE(wait_until(
      [&] { return hub.get("/api/v1/streams/telemetry").json.value("next_offset", 0) == 5; }, 15s,
      50ms));
  auto info = hub.get("/api/v1/streams/telemetry").json;
  CHECK(info.at("first_offset") == 2);
  CHECK(info.at("record_count") == 3);
  const auto kept = hub.read_stream("telemetry", 0);
  REQUIRE(kept.size() == 3);
  CHECK(kept.front().at("seq") == 3);

  const auto rejecting = hub.hubctl({"streams", "config", "telemetry", "--when-full", "reject"});
  REQUIRE_MESSAGE(rejecting.exited_with(0), rejecting.describe());
  publish_telemetry(connection, "ret-1", 6);
  REQUIRE(wait_until(
      [&] { return hub.get("/api/v1/health").json["counters"].value("telemetry_refused", 0) == 1; },
      15s, 50ms));
  info = hub.get("/api/v1/streams/telemetry").json;
  CHECK(info.at("next_offset") == 5);
  CHECK(info.at("rejected") == 1);
  CHECK(info.at("rejected_by_device").value("ret-1", 0) == 1);
  CHECK(hub.record_count("deadletter") == 0);

  // Room again (a higher limit): the device's resend of seq 6 is stored.
  REQUIRE(hub.hubctl({"streams", "config", "telemetry", "--max-records", "none"}).exited_with(0));
  publish_telemetry(connection, "ret-1", 6);
  REQUIRE(wait_until(
      [&] { return hub.get("/api/v1/streams/telemetry").json.value("next_offset", 0) == 6; }, 15s,
      50ms));
}

TEST_CASE("an operator creates a stream with limits; bad limits are usage errors") {
  HubUnderTest hub({.name = "streams-create", .log_level = "info"});
  const auto created = hub.hubctl({"--json", "streams", "create", "alerts", "--max-age", "7d",
                                   "--max-bytes", "1000000", "--when-full", "reject"});
  REQUIRE_MESSAGE(created.exited_with(0), created.describe());
  const json info = json::parse(created.out);
  CHECK(info.at("retention").at("max_age_ms") == 7LL * 86'400'000);
  CHECK(info.at("retention").at("max_bytes") == 1000000);
  CHECK(info.at("retention").at("max_records").is_null());
  CHECK(info.at("retention").at("when_full") == "reject");
  const auto again = hub.hubctl({"streams", "create", "alerts"});
  CHECK_MESSAGE(again.exited_with(6), again.describe());  // 409: a conflict
  const auto bad = hub.hubctl({"streams", "create", "other", "--max-age", "soon"});
  CHECK_MESSAGE(bad.exited_with(2), bad.describe());
  const auto listed = hub.hubctl({"streams", "list"});
  REQUIRE(listed.exited_with(0));
  CHECK(listed.out.find("alerts") != std::string::npos);
}
