// The command, job and device-connection endpoints as an operator's HTTP
// client sees them: statuses and bodies (docs/protocol.md sections 4 and 6).
#include "api/command_handlers.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "commands/sqlite_command_store.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

struct Fixture {
  Fixture() {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(record).ok());
  }
  json body(const ApiResponse& response) { return json::parse(response.body); }

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
                             *store, presence, 1};
  FleetJobs jobs{registry, commands, [] { return std::string("j-1"); }};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a queued command is accepted with 202 and its record; a full queue "
                           "is 413") {
  const ApiResponse queued =
      command_api::send(commands, "boiler-1", R"({"name":"ping","queue":true,"ttl_ms":60000})");
  CHECK(queued.status == 202);
  const json command = body(queued).at("command");
  CHECK(command.value("state", "") == "queued");
  CHECK(command.at("sent_at_ms").is_null());
  CHECK(command.at("expires_at_ms").get<std::int64_t>() - command.at("created_at_ms").get<std::int64_t>() == 60000);

  const ApiResponse full = command_api::send(commands, "boiler-1", R"({"name":"ping","queue":true})");
  CHECK(full.status == 413);
  CHECK(body(full).at("error").value("code", "") == "too_large");
}

TEST_CASE_FIXTURE(Fixture, "bad command requests are 400 with the reason") {
  CHECK(command_api::send(commands, "boiler-1", R"({"name":"ping","ttl_ms":5})").status == 400);
  CHECK(command_api::send(commands, "boiler-1", R"({"name":"ping","queue":"yes"})").status == 400);
  CHECK(command_api::send(commands, "boiler-1", R"({"name":"ping","id":"bad id"})").status == 400);
  CHECK(command_api::list(commands, std::nullopt, std::string_view("lost"), std::nullopt,
                          std::nullopt)
            .status == 400);
}

TEST_CASE_FIXTURE(Fixture, "commands are listed, shown and cancelled; cancelling twice is 409") {
  const std::string id =
      body(command_api::send(commands, "boiler-1", R"({"name":"ping","queue":true})"))
          .at("command")
          .value("id", "");
  const ApiResponse listed =
      command_api::list(commands, std::string_view("boiler-1"), std::nullopt, std::nullopt,
                        std::nullopt);
  CHECK(listed.status == 200);
  CHECK(body(listed).at("commands").size() == 1);
  CHECK(body(command_api::show(commands, id)).value("state", "") == "queued");
  CHECK(command_api::show(commands, "c-none").status == 404);
  const ApiResponse cancelled = command_api::cancel(commands, id);
  CHECK(cancelled.status == 200);
  CHECK(body(cancelled).value("state", "") == "cancelled");
  CHECK(command_api::cancel(commands, id).status == 409);
}

TEST_CASE_FIXTURE(Fixture, "a fleet job is created with 201 and its progress; no match is 404") {
  const ApiResponse created = command_api::create_job(
      jobs, R"({"selector":{"id_pattern":"boiler-*"},"name":"ping","ttl_ms":1000})");
  CHECK(created.status == 201);
  CHECK(body(created).value("total", 0) == 1);
  CHECK(body(created).value("pending", 0) == 1);
  CHECK(command_api::job_progress(jobs, "j-1").status == 200);
  CHECK(command_api::create_job(jobs, R"({"selector":{"id_pattern":"pump-*"},"name":"ping"})")
            .status == 404);
  CHECK(command_api::create_job(jobs, R"({"name":"ping"})").status == 400);
}

TEST_CASE_FIXTURE(Fixture, "a device's connection comes from presence, with the last time seen") {
  Json device = {{"id", "boiler-1"}};
  command_api::add_connection_fields(device, &presence);
  CHECK(device.at("connection") == "never");
  CHECK(device.at("last_seen_ms").is_null());
  presence.set("boiler-1", true, 1000);
  command_api::add_connection_fields(device, &presence);
  CHECK(device.at("connection") == "connected");
  CHECK(device.at("last_seen_ms") == 1000);
  presence.set("boiler-1", false, 2500);
  command_api::add_connection_fields(device, &presence);
  CHECK(device.at("connection") == "disconnected");
  CHECK(device.at("last_seen_ms") == 2500);

  Json without_presence = {{"id", "boiler-1"}};
  command_api::add_connection_fields(without_presence, nullptr);
  CHECK_FALSE(without_presence.contains("connection"));
}
