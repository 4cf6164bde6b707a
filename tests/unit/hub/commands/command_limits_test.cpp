// Size and depth limits of commands and their responses (CommandLimits): a
// response over them is a dead letter and leaves its command waiting; a
// payload over them is refused before anything is stored or published.
#include <doctest/doctest.h>

#include <atomic>

#include "commands/command_dispatcher.h"
#include "commands/sqlite_command_store.h"
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

constexpr std::string_view kResponses = "devices/boiler-1/responses";

std::string response_with(std::string_view id, const std::string& payload_json) {
  return R"({"id":")" + std::string(id) + R"(","status":200,"payload":)" + payload_json + "}";
}

struct Fixture {
  Fixture() {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(record).ok());
  }

  // A command sent to boiler-1 that nobody waits for synchronously.
  std::string sent_command() {
    CommandSubmission submission;
    submission.device_id = "boiler-1";
    submission.name = "ping";
    submission.queue = true;
    auto sent = dispatcher.submit(submission);
    REQUIRE(sent.ok());
    REQUIRE(sent->state == CommandState::sent);
    return sent->id;
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

TEST_CASE("the default limits: 64 KiB payloads and 64 KiB responses") {
  const CommandLimits limits;
  CHECK(limits.max_payload_bytes == 64 * 1024);
  CHECK(limits.max_response_bytes == 64 * 1024);
}

TEST_CASE_FIXTURE(Fixture, "a response over the limit is a dead letter; the command still waits") {
  const std::string id = sent_command();
  const std::string big = response_with(id, '"' + std::string(70 * 1024, 'x') + '"');
  REQUIRE(dispatcher.on_response(kResponses, big).ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason ==
        "command response too large: " + std::to_string(big.size()) + " bytes > 65536");
  CHECK(dead[0].payload == big);
  CHECK(dead[0].device_id == "boiler-1");
  CHECK(dispatcher.find(id)->state == CommandState::sent);
  CHECK(dispatcher.dead_lettered_responses() == 1);

  // The same answer within the limit completes it.
  REQUIRE(dispatcher.on_response(kResponses, response_with(id, R"({"pong":true})")).ok());
  CHECK(dispatcher.find(id)->state == CommandState::completed);
}

TEST_CASE_FIXTURE(Fixture, "the response limit is configurable and exact") {
  dispatcher.set_limits(CommandLimits{.max_response_bytes = 60});
  const std::string id = sent_command();
  const std::string base = response_with(id, R"("")");
  const std::string at_limit = response_with(id, '"' + std::string(60 - base.size(), 'x') + '"');
  REQUIRE(at_limit.size() == 60);
  REQUIRE(dispatcher.on_response(kResponses, at_limit + " ").ok());  // 61 bytes
  CHECK(dead_letters().size() == 1);
  CHECK(dead_letters()[0].reason == "command response too large: 61 bytes > 60");
  REQUIRE(dispatcher.on_response(kResponses, at_limit).ok());
  CHECK(dispatcher.find(id)->state == CommandState::completed);
}

TEST_CASE_FIXTURE(Fixture, "a response nested 100,000 deep is a dead letter naming the depth") {
  dispatcher.set_limits(CommandLimits{.max_response_bytes = 1024 * 1024});
  const std::string id = sent_command();
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  REQUIRE(dispatcher.on_response(kResponses, response_with(id, deep)).ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "invalid command response: JSON nested deeper than 32 levels");
  CHECK(dispatcher.find(id)->state == CommandState::sent);
}

TEST_CASE_FIXTURE(Fixture, "a command payload over the limit or too deep is refused, not sent") {
  dispatcher.set_limits(CommandLimits{.max_payload_bytes = 20});
  auto big = send_command(dispatcher, "boiler-1", "ping", R"({"blob":"0123456789abcdef"})", 1000ms);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::too_large);
  CHECK(big.error().message == "command payload too large: 27 bytes > 20");

  auto deep = send_command(dispatcher, "boiler-1", "ping",
                           std::string(40, '[') + std::string(40, ']'), 1000ms);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == ErrorCode::invalid_argument);
  CHECK(deep.error().message == "command payload: JSON nested deeper than 32 levels");
  CHECK(broker.published().empty());
}
