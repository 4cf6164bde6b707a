// The stream and consumer endpoints without a socket: what an operator or a
// consumer gets back for each request.
#include "api/stream_handlers.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/json_views.h"
#include "api/record_text.h"
#include "api/stream_routes.h"
#include "clock/clock.h"
#include "device_records.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct Fixture {
  MemoryStreamStore store;
  ManualClock clock{5000};
  StreamHandlers handlers{store, clock};

  void append(std::uint64_t seq, std::int64_t received_at_ms = 1000) {
    NewRecord record;
    record.stream = "telemetry";
    record.received_at_ms = received_at_ms;
    record.device_id = "d1";
    record.seq = seq;
    record.topic = "devices/d1/telemetry";
    record.payload = R"({"n": )" + std::to_string(seq) + "}";
    REQUIRE(store.append(record).ok());
  }
};

json body_of(const ApiResponse& response) { return json::parse(response.body); }

std::vector<std::uint64_t> offsets(const ApiResponse& response) {
  const json body = body_of(response);
  std::vector<std::uint64_t> result;
  for (const json& record : body.at("records")) result.push_back(record.at("offset"));
  return result;
}

}  // namespace

TEST_CASE("record_text shows a record exactly as record_json does") {
  StreamRecord telemetry{"telemetry", 4, 17, "d\"1", 9, "devices/d1/telemetry",
                         R"({"t": [1, 2.5, "x\n"]})", std::nullopt};
  StreamRecord dead{"deadletter", 0, 1, "", std::nullopt, "weird/topic", "5", "not an object"};
  StreamRecord binary{"deadletter", 1, 1, "d1", std::nullopt, "t", std::string("\xff\x00", 2),
                      "bad"};
  for (const StreamRecord& record : {telemetry, dead, binary}) {
    CAPTURE(record.payload);
    CHECK(json::parse(record_text(record)) == json::parse(record_json(record).dump()));
  }
}

TEST_CASE("a server-sent event carries the offset as id and the record as data lines") {
  CHECK(server_sent_event(41, R"({"offset":41})") ==
        "id: 41\nevent: record\ndata: {\"offset\":41}\n\n");
  // Newlines between JSON tokens start another data: line (the client joins them).
  CHECK(server_sent_event(1, "{\"a\":\r\n1}") == "id: 1\nevent: record\ndata: {\"a\":\ndata: 1}\n\n");
}

TEST_CASE("create and configure a stream's limits; null removes a limit") {
  Fixture f;
  const auto created = f.handlers.create(
      R"({"name": "alerts", "max_records": 10, "max_age_ms": 60000, "when_full": "reject"})");
  REQUIRE(created.status == 201);
  CHECK(body_of(created).at("retention") ==
        json{{"max_age_ms", 60000}, {"max_bytes", nullptr}, {"max_records", 10},
             {"when_full", "reject"}});
  CHECK(f.handlers.create(R"({"name": "alerts"})").status == 409);
  CHECK(f.handlers.create(R"({"name": "x", "max_records": -1})").status == 400);
  CHECK(f.handlers.create(R"({"name": "x", "when_full": "drop"})").status == 400);
  CHECK(f.handlers.create(R"({"name": "bad name"})").status == 400);

  const auto changed = f.handlers.configure("alerts", R"({"max_records": null, "max_bytes": 5})");
  REQUIRE(changed.status == 200);
  const json retention = body_of(changed).at("retention");
  CHECK(retention.at("max_records").is_null());
  CHECK(retention.at("max_bytes") == 5);
  CHECK(retention.at("max_age_ms") == 60000);  // untouched
  CHECK(f.handlers.configure("missing", "{}").status == 404);
  CHECK(body_of(f.handlers.info("alerts")).at("name") == "alerts");
}

TEST_CASE("records are read from an offset, a time or a group's commit") {
  Fixture f;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    f.append(seq, 1000 + static_cast<std::int64_t>(seq) * 10);
  }
  std::string_view two = "2", time = "1035", group = "billing", limit = "2";
  CHECK(offsets(f.handlers.read("telemetry", {two, {}, {}}, {}, {})) ==
        std::vector<std::uint64_t>{2, 3, 4});
  CHECK(offsets(f.handlers.read("telemetry", {{}, time, {}}, {}, {})) ==
        std::vector<std::uint64_t>{3, 4});
  // A group that never committed starts at the oldest record.
  CHECK(offsets(f.handlers.read("telemetry", {{}, {}, group}, limit, {})) ==
        std::vector<std::uint64_t>{0, 1});
  const auto committed = f.handlers.commit("telemetry", "billing", R"({"offset": 4})");
  REQUIRE(committed.status == 200);
  CHECK(body_of(committed).at("committed_offset") == 4);
  CHECK(body_of(committed).at("updated_at_ms") == 5000);
  const auto resumed = f.handlers.read("telemetry", {{}, {}, group}, {}, {});
  CHECK(offsets(resumed) == std::vector<std::uint64_t>{4});
  CHECK(body_of(resumed).at("next_offset") == 5);
  const json groups = body_of(f.handlers.groups("telemetry"));
  REQUIRE(groups.at("groups").size() == 1);
  CHECK(groups.at("groups").at(0).at("lag") == 1);

  CHECK(f.handlers.read("telemetry", {two, time, {}}, {}, {}).status == 400);
  CHECK(f.handlers.commit("telemetry", "billing", R"({"offset": 99})").status == 400);
  CHECK(f.handlers.commit("telemetry", "billing", R"({"offset": "x"})").status == 400);
  CHECK(f.handlers.read("missing", {}, {}, {}).status == 404);
  std::string_view too_long = "60001";
  CHECK(f.handlers.read("telemetry", {}, {}, too_long).status == 400);
}

TEST_CASE("telemetry and deadletter read as empty before their first record") {
  Fixture f;
  const auto read = f.handlers.read("deadletter", {}, {}, {});
  REQUIRE(read.status == 200);
  CHECK(body_of(read) == json{{"stream", "deadletter"}, {"records", json::array()},
                              {"next_offset", 0}});
}

TEST_CASE("a long-poll returns as soon as a record arrives, or empty after wait_ms") {
  Fixture f;
  f.append(1);
  std::string_view from = "1", short_wait = "50", long_wait = "20000";
  const auto empty = f.handlers.read("telemetry", {from, {}, {}}, {}, short_wait);
  REQUIRE(empty.status == 200);
  CHECK(body_of(empty).at("records").empty());
  CHECK(body_of(empty).at("next_offset") == 1);

  const auto started = std::chrono::steady_clock::now();
  std::thread appender([&] {
    std::this_thread::sleep_for(50ms);
    f.append(2);
  });
  const auto answer = f.handlers.read("telemetry", {from, {}, {}}, {}, long_wait);
  appender.join();
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(offsets(answer) == std::vector<std::uint64_t>{1});
}

TEST_CASE("no more than the allowed number of tails wait at once") {
  Fixture f;
  std::vector<StreamHandlers::TailSlot> slots;
  for (int i = 0; i < kMaxWaitingTails; ++i) {
    auto slot = f.handlers.acquire_tail_slot();
    REQUIRE(slot.ok());
    slots.push_back(std::move(*slot));
  }
  const auto refused = f.handlers.acquire_tail_slot();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::unavailable);
  slots.pop_back();
  CHECK(f.handlers.acquire_tail_slot().ok());
}

TEST_CASE(
    "an event batch for one device holds its records with their offsets, and moves past "
    "the others") {
  Fixture f;
  edgehub::test::append_device_records(f.store, {"d1", "d2", "d2", "d1", "d2"});
  const auto d1 = f.handlers.read_batch("telemetry", 0, 100, "d1");
  REQUIRE(d1.ok());
  CHECK(d1->offsets == std::vector<std::uint64_t>{0, 3});
  REQUIRE(d1->records.size() == 2);
  CHECK(json::parse(d1->records[1]).at("device") == "d1");
  CHECK(d1->next_offset == 5);
  // Only others' records in the batch: none returned, the position moves on.
  const auto none = f.handlers.read_batch("telemetry", 4, 100, "d1");
  REQUIRE(none.ok());
  CHECK(none->records.empty());
  CHECK(none->next_offset == 5);
  const auto all = f.handlers.read_batch("telemetry", 0, 100);
  REQUIRE(all.ok());
  CHECK(all->offsets == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
}
