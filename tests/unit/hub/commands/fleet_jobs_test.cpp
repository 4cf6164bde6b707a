#include "commands/fleet_jobs.h"

#include <doctest/doctest.h>

#include <set>

#include "commands/sqlite_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

struct Fleet {
  Fleet() {
    add("boiler-1", R"({"site":"north"})");
    add("boiler-2", R"({"site":"south"})");
    add("pump-1", R"({"site":"north"})");
  }
  void add(const std::string& id, const std::string& attributes) {
    DeviceRecord record;
    record.id = id;
    record.certificate_sha256 = std::string(64, 'a');
    record.attributes_json = attributes;
    REQUIRE(registry.add(record).ok());
  }
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence;
  std::unique_ptr<SqliteCommandStore> store = SqliteCommandStore::open(":memory:");
  CommandDispatcher commands{registry, broker, streams, clock,
                             [] {
                               static int next = 0;
                               return "c-" + std::to_string(++next);
                             },
                             *store, presence};
  FleetJobs jobs{registry, commands, [] { return std::string("j-1"); }};
};

}  // namespace

TEST_CASE("device id patterns: '*' any run of characters, '?' exactly one") {
  CHECK(matches_glob("boiler-*", "boiler-1"));
  CHECK(matches_glob("boiler-*", "boiler-"));
  CHECK_FALSE(matches_glob("boiler-*", "pump-1"));
  CHECK(matches_glob("*-1", "pump-1"));
  CHECK(matches_glob("b?iler-1", "boiler-1"));
  CHECK_FALSE(matches_glob("b?iler-1", "biler-1"));
  CHECK(matches_glob("*", "anything"));
  CHECK(matches_glob("a*b*c", "a-xx-b-yy-c"));
  CHECK_FALSE(matches_glob("a*b*c", "a-xx-b-yy"));
}

TEST_CASE_FIXTURE(Fleet, "a fleet command queues one command per selected device and counts "
                         "their progress to a final summary") {
  presence.set("boiler-1", true);
  JobRequest request;
  request.selector.id_pattern = "boiler-*";
  request.name = "ping";
  request.ttl = 1s;
  auto created = jobs.create(request);
  REQUIRE(created.ok());
  CHECK(created->progress.total == 2);
  CHECK(created->progress.pending == 2);
  REQUIRE(broker.published().size() == 1);  // boiler-1 is connected: sent at once
  const auto id = protocol::parse_command(broker.published()[0].payload)->id;
  REQUIRE(commands.on_response("devices/boiler-1/responses",
                               protocol::build_command_response({id, 200, "null"}))
              .ok());
  auto midway = jobs.progress("j-1");
  REQUIRE(midway.ok());
  CHECK(midway->completed == 1);
  CHECK(midway->pending == 1);
  CHECK_FALSE(midway->done());
  clock.advance_ms(1000);  // boiler-2 never connected: its command expires
  REQUIRE(commands.sweep().ok());
  auto final_summary = jobs.progress("j-1");
  REQUIRE(final_summary.ok());
  CHECK(final_summary->done());
  CHECK(final_summary->completed == 1);
  CHECK(final_summary->failed == 1);
  CHECK(final_summary->by_state.at("expired") == 1);
}

TEST_CASE_FIXTURE(Fleet, "devices can be selected by a registry tag; an empty selection is an error") {
  JobRequest request;
  request.selector.tag = "site=north";
  request.name = "ping";
  auto created = jobs.create(request);
  REQUIRE(created.ok());
  CHECK(created->progress.total == 2);  // boiler-1 and pump-1
  request.selector.tag = "site=west";
  request.id = "j-2";
  CHECK(jobs.create(request).error().code == ErrorCode::not_found);
  request.selector.tag = "nonsense";
  CHECK(jobs.create(request).error().code == ErrorCode::invalid_argument);
  request.selector = {"boiler-*", "site=north"};
  CHECK(jobs.create(request).error().code == ErrorCode::invalid_argument);
  CHECK(jobs.progress("j-404").error().code == ErrorCode::not_found);
}

TEST_CASE_FIXTURE(Fleet, "with a delivery scheduler a job is stored at once and sent by the "
                         "scheduler; a device with a full queue is refused, the rest queued") {
  presence.set("boiler-1", true);
  presence.set("boiler-2", true);
  std::vector<std::string> scheduled;
  commands.set_delivery_scheduler(
      [&](std::string_view device) { scheduled.emplace_back(device); });
  // pump-1's queue is full (the limit is per device).
  for (std::size_t i = 0; i < kDefaultMaxQueuedPerDevice; ++i) {
    CommandSubmission filler;
    filler.device_id = "pump-1";
    filler.name = "ping";
    filler.queue = true;
    REQUIRE(commands.submit(filler).ok());
  }
  JobRequest request;
  request.selector.tag = "site=north";  // boiler-1 and pump-1
  request.name = "set-interval";
  request.payload_json = R"({"interval_ms":1000})";
  auto created = jobs.create(request);
  REQUIRE(created.ok());
  CHECK(created->progress.total == 2);
  CHECK(created->progress.pending == 1);
  CHECK(created->progress.failed == 1);
  REQUIRE(created->refused.size() == 1);
  CHECK(created->refused[0].find("pump-1: ") == 0);
  CHECK(created->refused[0].find("limit per device") != std::string::npos);
  // Nothing was published on the caller's thread; the reachable device is
  // the scheduler's.
  CHECK(broker.published().empty());
  CHECK(scheduled == std::vector<std::string>{"boiler-1"});
  REQUIRE(commands.deliver_queued("boiler-1").ok());
  REQUIRE(broker.published().size() == 1);
  const auto sent = protocol::parse_command(broker.published()[0].payload);
  REQUIRE(sent.ok());
  CHECK(sent->name == "set-interval");
  auto progress = jobs.progress("j-1");
  REQUIRE(progress.ok());
  CHECK(progress->by_state.at("sent") == 1);
}

TEST_CASE_FIXTURE(Fleet, "a job whose payload is not JSON is refused as a whole, nothing stored") {
  JobRequest request;
  request.selector.id_pattern = "*";
  request.name = "ping";
  request.payload_json = "{not json";
  auto created = jobs.create(request);
  REQUIRE_FALSE(created.ok());
  CHECK(created.error().code == ErrorCode::invalid_argument);
  CHECK(jobs.progress("j-1").error().code == ErrorCode::not_found);
}
