// The export runner and service against the in-memory stream store and a
// scripted destination: every record reaches the destination, in stream
// order, none skipped, none twice in a run without failure, and the
// committed position moves only past what the destination acknowledged.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "clock/clock.h"
#include "exports/export_service.h"
#include "scripted_destination.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  MemoryStreamStore store;
  SystemClock clock;
  std::shared_ptr<test::DestinationScript> script = std::make_shared<test::DestinationScript>();

  Fixture() { REQUIRE(store.create_stream("s", RetentionPolicy{}, 0).ok()); }

  std::unique_ptr<ExportService> service() {
    ExportServiceSettings settings;
    settings.site_id = "site-1";
    settings.factory = test::scripted_factory(script);
    settings.runner.backoff = ExportBackoff{1ms, 5ms};
    settings.runner.wait_slice = 10ms;
    auto made = std::make_unique<ExportService>(store, clock, settings);
    REQUIRE(made->start().ok());
    return made;
  }

  // The stream holds 5 records at most; the export "up" starts paused.
  std::unique_ptr<ExportService> service_with_small_stream_and_paused_export(
      const std::string& on_retention);

  void append(std::uint64_t from_seq, std::uint64_t count, std::string device = "d1") {
    for (std::uint64_t seq = from_seq; seq < from_seq + count; ++seq) {
      NewRecord record;
      record.stream = "s";
      record.received_at_ms = clock.now_ms();
      record.device_id = device;
      record.seq = seq;
      record.topic = "devices/" + device + "/telemetry";
      record.payload = R"({"n":)" + std::to_string(seq) + "}";
      REQUIRE(store.append(record).ok());
    }
  }

  std::uint64_t committed_position(const std::string& name) {
    const auto cursors = store.cursors();
    REQUIRE(cursors.ok());
    for (const StreamCursor& cursor : *cursors) {
      if (cursor.name == name) return cursor.position;
    }
    FAIL("no cursor " << name);
    return 0;
  }

  // Offsets the destination acknowledged, in order.
  std::vector<std::uint64_t> acknowledged_offsets() {
    std::lock_guard lock(script->mutex);
    std::vector<std::uint64_t> offsets;
    for (const ExportRecord& record : script->acknowledged) offsets.push_back(record.offset);
    return offsets;
  }
};

nlohmann::json export_request(std::string name, std::size_t batch = 50) {
  return {{"name", std::move(name)},
          {"stream", "s"},
          {"destination", {{"type", "scripted"}}},
          {"batch_size", batch}};
}

std::unique_ptr<ExportService> Fixture::service_with_small_stream_and_paused_export(
    const std::string& on_retention) {
  RetentionPolicy policy;
  policy.max_records = 5;
  REQUIRE(store.configure_stream("s", policy).ok());
  auto made = service();
  auto request = export_request("up");
  request["paused"] = true;
  request["on_retention"] = on_retention;
  REQUIRE(made->add(request).ok());
  return made;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> offsets;
  for (std::uint64_t offset = from; offset < to; ++offset) offsets.push_back(offset);
  return offsets;
}

template <typename Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 1000; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

}  // namespace

TEST_CASE("an export sends every record once, in stream order, with its identity") {
  Fixture f;
  f.append(1, 300);
  auto service = f.service();
  auto added = service->add(export_request("up"));
  REQUIRE(added.ok());
  f.append(301, 200);  // appended while it runs: woken, not polled
  REQUIRE(f.script->wait_for(500));
  REQUIRE(eventually([&] { return f.committed_position("up") == 500; }));
  CHECK(f.acknowledged_offsets() == range(0, 500));
  {
    std::lock_guard lock(f.script->mutex);
    const ExportRecord& record = f.script->acknowledged[7];
    CHECK(record.site_id == "site-1");
    CHECK(record.stream == "s");
    CHECK(record.device_id == "d1");
    CHECK(record.seq == std::optional<std::uint64_t>(8));
    CHECK(record.payload == R"({"n":8})");
  }
  auto shown = service->show("up");
  REQUIRE(shown.ok());
  CHECK(shown->position == 500);
  CHECK(shown->lag_records == 0);
  CHECK_FALSE(shown->oldest_unexported_age_ms.has_value());
  CHECK(shown->runner.sent == 500);
  CHECK(shown->runner.failures == 0);
}

TEST_CASE("while the destination fails the position stays; afterwards nothing is missing") {
  Fixture f;
  f.append(1, 120);
  f.script->down = true;
  auto service = f.service();
  REQUIRE(service->add(export_request("up", 40)).ok());
  REQUIRE(f.script->wait_for_failed_sends(5));
  CHECK(f.committed_position("up") == 0);
  // The runner records a failure just after the destination answered.
  REQUIRE(eventually([&] { return service->show("up")->runner.failures >= 5; }));
  auto failing = service->show("up");
  REQUIRE(failing.ok());
  CHECK(failing->lag_records == 120);
  CHECK(failing->oldest_unexported_age_ms.has_value());
  CHECK(failing->runner.state == "retrying");
  CHECK(failing->runner.last_error == "scripted: destination down");
  CHECK(failing->runner.failures >= 5);
  CHECK(service->counters()["exports_failing"] == 1);
  {
    std::lock_guard lock(f.script->mutex);
    f.script->down = false;
    f.script->max_per_send = 7;  // partial acknowledgements from now on
  }
  REQUIRE(f.script->wait_for(120));
  REQUIRE(eventually([&] { return f.committed_position("up") == 120; }));
  // Partial acknowledgements are never sent again: exactly once each.
  CHECK(f.acknowledged_offsets() == range(0, 120));
}

TEST_CASE("an export resumes at its committed position after a restart of the service") {
  Fixture f;
  f.append(1, 100);
  {
    f.script->max_per_send = 30;
    auto service = f.service();
    REQUIRE(service->add(export_request("up")).ok());
    REQUIRE(f.script->wait_for(30));
    {
      std::lock_guard lock(f.script->mutex);
      f.script->down = true;  // the upstream goes away after the first 30
    }
    REQUIRE(f.script->wait_for_failed_sends(1));
  }
  const std::uint64_t stopped_at = f.committed_position("up");
  CHECK(stopped_at == f.script->count());
  {
    std::lock_guard lock(f.script->mutex);
    f.script->down = false;
    f.script->max_per_send = SIZE_MAX;
  }
  f.append(101, 50);
  auto restarted = f.service();
  REQUIRE(f.script->wait_for(150));
  REQUIRE(eventually([&] { return f.committed_position("up") == 150; }));
  CHECK(f.acknowledged_offsets() == range(0, 150));
}

TEST_CASE("a paused export sends nothing until resumed, and stays paused across restarts") {
  Fixture f;
  auto service = f.service();
  auto request = export_request("up");
  request["paused"] = true;
  REQUIRE(service->add(request).ok());
  f.append(1, 10);
  std::this_thread::sleep_for(100ms);
  CHECK(f.script->count() == 0);
  CHECK(service->show("up")->runner.state == "paused");
  service.reset();
  service = f.service();
  std::this_thread::sleep_for(100ms);
  CHECK(f.script->count() == 0);
  auto resumed = service->set_paused("up", false);
  REQUIRE(resumed.ok());
  CHECK_FALSE(resumed->definition.paused);
  REQUIRE(f.script->wait_for(10));
  CHECK(f.acknowledged_offsets() == range(0, 10));
  REQUIRE(service->set_paused("up", true).ok());
  f.append(11, 5);
  std::this_thread::sleep_for(100ms);
  CHECK(f.script->count() == 10);
}

TEST_CASE("retention under a delete_oldest export: the skipped range is counted and reported") {
  Fixture f;
  auto service = f.service_with_small_stream_and_paused_export("delete_oldest");
  f.append(1, 20);  // offsets 0..14 deleted before the export sent them
  REQUIRE(service->set_paused("up", false).ok());
  REQUIRE(f.script->wait_for(5));
  CHECK(f.acknowledged_offsets() == range(15, 20));
  auto shown = service->show("up");
  REQUIRE(shown.ok());
  CHECK(shown->skipped == 15);
  REQUIRE(shown->runner.last_skipped_range.has_value());
  CHECK(shown->runner.last_skipped_range->first == 0);
  CHECK(shown->runner.last_skipped_range->second == 15);
  CHECK(service->counters()["exports_skipped_records"] == 15);
}

TEST_CASE("retention under a keep export: unsent records stay, the full stream refuses") {
  Fixture f;
  auto service = f.service_with_small_stream_and_paused_export("keep");
  f.append(1, 5);
  NewRecord more;
  more.stream = "s";
  more.device_id = "d1";
  more.seq = 99;
  more.topic = "devices/d1/telemetry";
  more.payload = "{}";
  const auto refused = f.store.append(more);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::unavailable);
  CHECK(f.store.stream_info("s")->rejected == 1);
  REQUIRE(service->set_paused("up", false).ok());
  REQUIRE(f.script->wait_for(5));
  CHECK(f.acknowledged_offsets() == range(0, 5));
  // Sent: room again, the sent records make way.
  REQUIRE(eventually([&] { return f.store.append(more).ok(); }));
  CHECK(service->show("up")->skipped == 0);
}

TEST_CASE("adding checks the definition, the destination and the name; removing ends the hold") {
  Fixture f;
  auto service = f.service();
  auto unknown = export_request("up");
  unknown["destination"]["type"] = "carrier-pigeon";
  CHECK(service->add(unknown).error().code == ErrorCode::invalid_argument);
  auto no_stream = export_request("up");
  no_stream["stream"] = "missing";
  CHECK(service->add(no_stream).error().code == ErrorCode::not_found);
  auto bad_batch = export_request("up");
  bad_batch["batch_size"] = 0;
  CHECK(service->add(bad_batch).error().code == ErrorCode::invalid_argument);
  REQUIRE(service->add(export_request("up")).ok());
  CHECK(service->add(export_request("up")).error().code == ErrorCode::conflict);
  CHECK(f.store.stream_info("s")->retention_floor.has_value());
  REQUIRE(service->remove("up").ok());
  CHECK_FALSE(f.store.stream_info("s")->retention_floor.has_value());
  CHECK(service->remove("up").error().code == ErrorCode::not_found);
  CHECK(service->list()->empty());
}
