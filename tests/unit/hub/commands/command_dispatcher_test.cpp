#include "commands/command_dispatcher.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "commands/sqlite_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "send_command.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;
using edgehub::test::send_command;

namespace {

const std::string kFingerprint(64, 'a');

struct Fixture {
  Fixture() {
    add_device("boiler-1");
    add_device("boiler-2");
  }

  void add_device(const std::string& id, DeviceRole role = DeviceRole::device) {
    DeviceRecord record;
    record.id = id;
    record.role = role;
    record.certificate_sha256 = kFingerprint;
    REQUIRE(registry.add(record).ok());
  }

  // A device that answers every command it receives with status and payload,
  // on its own responses topic (or on answer_as's, to play a foreign device).
  void device_answers(int status, std::string payload_json, std::string answer_as = "") {
    broker.on_publish([this, status, payload_json, answer_as](const PublishedMessage& message) {
      auto command = protocol::parse_command(message.payload);
      REQUIRE(command.ok());
      const std::string addressed = message.topic.substr(8, message.topic.rfind('/') - 8);
      const std::string device = answer_as.empty() ? addressed : answer_as;
      protocol::CommandResponse response{command->id, status, payload_json};
      CHECK(dispatcher
                .on_response("devices/" + device + "/responses",
                             protocol::build_command_response(response))
                .ok());
    });
  }

  std::vector<StreamRecord> dead_letters() const {
    auto records = streams.read(kDeadLetterStream, 0, 100);
    return records ? *records : std::vector<StreamRecord>{};
  }

  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  std::unique_ptr<SqliteCommandStore> store = SqliteCommandStore::open(":memory:");
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher dispatcher{registry,
                               broker,
                               streams,
                               clock,
                               [] {
                                 static std::atomic<int> next{1};
                                 return "c-" + std::to_string(next++);
                               },
                               *store,
                               presence};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a command is published to the device as the protocol says") {
  device_answers(200, "null");
  REQUIRE(
      send_command(dispatcher, "boiler-1", "set-interval", R"({"interval_ms": 500})", 2000ms).ok());
  const auto published = broker.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].topic == "devices/boiler-1/commands");
  CHECK(published[0].qos == 1);
  auto command = protocol::parse_command(published[0].payload);
  REQUIRE(command.ok());
  CHECK(command->name == "set-interval");
  CHECK(command->payload_json == R"({"interval_ms":500})");
  CHECK(command->timeout_ms == 2000);
  CHECK(command->deadline_ms == std::optional<std::int64_t>(clock.now_ms() + 2000));
  CHECK(protocol::is_valid_command_id(command->id));
}

TEST_CASE_FIXTURE(Fixture, "the device's answer is the outcome, its own error status included") {
  SUBCASE("done") {
    device_answers(200, R"({"pong":true})");
    auto outcome = send_command(dispatcher, "boiler-1", "ping", "null", 2000ms);
    REQUIRE(outcome.ok());
    CHECK(outcome->status == 200);
    CHECK(outcome->payload_json == R"({"pong":true})");
    CHECK(outcome->device_id == "boiler-1");
    CHECK(outcome->name == "ping");
    CHECK(outcome->latency_ms >= 0);
  }
  SUBCASE("unknown to the device") {
    device_answers(404, R"({"error":"unknown command"})");
    auto outcome = send_command(dispatcher, "boiler-1", "reboot", "", 2000ms);
    REQUIRE(outcome.ok());
    CHECK(outcome->status == 404);
  }
  CHECK(dispatcher.waiting() == 0);
  CHECK(dead_letters().empty());
}

TEST_CASE_FIXTURE(Fixture, "an answer from another thread wakes the waiting sender") {
  std::thread device;
  broker.on_publish([&](const PublishedMessage& message) {
    const auto id = protocol::parse_command(message.payload)->id;
    device = std::thread([this, id] {
      std::this_thread::sleep_for(50ms);
      clock.advance_ms(50);
      protocol::CommandResponse response{id, 200, R"({"late":false})"};
      CHECK(
          dispatcher
              .on_response("devices/boiler-1/responses", protocol::build_command_response(response))
              .ok());
    });
  });
  auto outcome = send_command(dispatcher, "boiler-1", "ping", "{}", 5000ms);
  device.join();
  REQUIRE(outcome.ok());
  CHECK(outcome->payload_json == R"({"late":false})");
  CHECK(outcome->latency_ms == 50);  // request to answer, on the hub's clock
}

TEST_CASE_FIXTURE(Fixture, "no answer in time is a timeout, and a late answer is a dead letter") {
  std::string command_id;
  broker.on_publish([&](const PublishedMessage& message) {
    command_id = protocol::parse_command(message.payload)->id;
  });
  const auto started = std::chrono::steady_clock::now();
  auto outcome = send_command(dispatcher, "boiler-1", "ping", "null", 100ms);
  CHECK(std::chrono::steady_clock::now() - started >= 100ms);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::timeout);
  CHECK(dispatcher.waiting() == 0);

  protocol::CommandResponse late{command_id, 200, "null"};
  REQUIRE(
      dispatcher.on_response("devices/boiler-1/responses", protocol::build_command_response(late))
          .ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].device_id == "boiler-1");
  REQUIRE(dead[0].reason.has_value());
  CHECK(dead[0].reason->find("not waiting for") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a device cannot answer another device's command") {
  device_answers(200, R"({"spoofed":true})", /*answer_as=*/"boiler-2");
  auto outcome = send_command(dispatcher, "boiler-1", "ping", "null", 150ms);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::timeout);
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].device_id == "boiler-2");
  CHECK(dead[0].topic == "devices/boiler-2/responses");
  REQUIRE(dead[0].reason.has_value());
  CHECK(dead[0].reason->find("sent to device 'boiler-1'") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a second answer to the same command is a dead letter") {
  broker.on_publish([&](const PublishedMessage& message) {
    protocol::CommandResponse response{protocol::parse_command(message.payload)->id, 200, "1"};
    const auto text = protocol::build_command_response(response);
    CHECK(dispatcher.on_response("devices/boiler-1/responses", text).ok());
    CHECK(dispatcher.on_response("devices/boiler-1/responses", text).ok());
  });
  auto outcome = send_command(dispatcher, "boiler-1", "ping", "null", 2000ms);
  REQUIRE(outcome.ok());
  CHECK(outcome->payload_json == "1");
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason->find("second response") == 0);
}

TEST_CASE_FIXTURE(Fixture, "an unparseable response is a dead letter with the parser's reason") {
  REQUIRE(dispatcher.on_response("devices/boiler-1/responses", "{oops").ok());
  REQUIRE(dispatcher.on_response("devices/boiler-1/responses", R"({"id":"c-1"})").ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].payload == "{oops");
  CHECK(dead[0].reason->find("invalid command response: not valid JSON") == 0);
  CHECK(dead[1].reason == "invalid command response: missing integer field 'status'");
  CHECK(dispatcher.dead_lettered_responses() == 2);
}

TEST_CASE_FIXTURE(Fixture, "commands that cannot be sent fail before anything is published") {
  SUBCASE("unregistered device") {
    auto outcome = send_command(dispatcher, "nobody", "ping", "null", 1000ms);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().code == ErrorCode::not_found);
  }
  SUBCASE("bad name") {
    auto outcome = send_command(dispatcher, "boiler-1", "re boot", "null", 1000ms);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().code == ErrorCode::invalid_argument);
  }
  SUBCASE("payload not JSON") {
    auto outcome = send_command(dispatcher, "boiler-1", "ping", "{nope", 1000ms);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().code == ErrorCode::invalid_argument);
  }
  SUBCASE("timeout out of range") {
    CHECK(send_command(dispatcher, "boiler-1", "ping", "null", 0ms).error().code ==
          ErrorCode::invalid_argument);
    CHECK(send_command(dispatcher, "boiler-1", "ping", "null", kMaxCommandTimeout + 1ms)
              .error()
              .code == ErrorCode::invalid_argument);
  }
  SUBCASE("the hub's service identity") {
    add_device("hubd", DeviceRole::service);
    CHECK(send_command(dispatcher, "hubd", "ping", "null", 1000ms).error().code ==
          ErrorCode::invalid_argument);
  }
  SUBCASE("disabled device") {
    REQUIRE(registry.set_status("boiler-1", DeviceStatus::disabled).ok());
    CHECK(send_command(dispatcher, "boiler-1", "ping", "null", 1000ms).error().code ==
          ErrorCode::conflict);
  }
  SUBCASE("broker not connected") {
    broker.set_connected(false);
    CHECK(send_command(dispatcher, "boiler-1", "ping", "null", 1000ms).error().code ==
          ErrorCode::unavailable);
  }
  CHECK(broker.published().empty());
  CHECK(dispatcher.waiting() == 0);
}

TEST_CASE_FIXTURE(Fixture, "many commands wait at once and each gets its own answer") {
  std::mutex mutex;
  std::vector<std::thread> devices;
  broker.on_publish([&](const PublishedMessage& message) {
    auto command = protocol::parse_command(message.payload);
    std::lock_guard lock(mutex);
    devices.emplace_back([this, id = command->id, payload = command->payload_json] {
      std::this_thread::sleep_for(20ms);
      // Echo the command's payload: each sender must get its own back.
      protocol::CommandResponse response{id, 200, payload};
      CHECK(
          dispatcher
              .on_response("devices/boiler-1/responses", protocol::build_command_response(response))
              .ok());
    });
  });
  std::vector<std::thread> senders;
  std::atomic<int> matched{0};
  for (int i = 0; i < 16; ++i) {
    senders.emplace_back([&, i] {
      auto outcome = send_command(dispatcher, "boiler-1", "echo", std::to_string(i), 5000ms);
      if (outcome.ok() && outcome->payload_json == std::to_string(i)) ++matched;
    });
  }
  for (auto& sender : senders) sender.join();
  for (auto& device : devices) device.join();
  CHECK(matched == 16);
  CHECK(dispatcher.waiting() == 0);
}

TEST_CASE_FIXTURE(Fixture, "stopping the hub ends waiting commands at once") {
  std::thread stopper;
  broker.on_publish([&](const PublishedMessage&) {
    stopper = std::thread([this] {
      std::this_thread::sleep_for(50ms);
      dispatcher.shut_down();
    });
  });
  const auto started = std::chrono::steady_clock::now();
  auto outcome = send_command(dispatcher, "boiler-1", "ping", "null", 60000ms);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - started < 10000ms);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::unavailable);
  CHECK(send_command(dispatcher, "boiler-1", "ping", "null", 1000ms).error().code ==
        ErrorCode::unavailable);
  CHECK(dispatcher.waiting() == 0);
}

TEST_CASE_FIXTURE(Fixture, "the round trip of an answered command is observed once, from sending") {
  std::vector<std::int64_t> round_trips;
  dispatcher.set_round_trip_observer([&](std::int64_t ms) { round_trips.push_back(ms); });
  std::string command_id;
  broker.on_publish([&](const PublishedMessage& message) {
    command_id = protocol::parse_command(message.payload)->id;
    clock.advance_ms(7);
    protocol::CommandResponse response{command_id, 200, "null"};
    const auto text = protocol::build_command_response(response);
    CHECK(dispatcher.on_response("devices/boiler-1/responses", text).ok());
    CHECK(dispatcher.on_response("devices/boiler-1/responses", text).ok());  // a second answer
  });
  REQUIRE(send_command(dispatcher, "boiler-1", "ping", "null", 2000ms).ok());
  CHECK(round_trips == std::vector<std::int64_t>{7});
  CHECK(dead_letters().size() == 1);  // the second answer: not a round trip
}
