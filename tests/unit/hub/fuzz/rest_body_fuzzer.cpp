// libFuzzer target: request bodies an operator sends to the REST API. The
// first input byte picks the endpoint, the rest is the body. Each input
// starts from a fresh hub in memory (registry with boiler-1 and pump-7,
// stream store, a command dispatcher whose device answers at once with the
// command's payload, twins, routes). The handler functions are called
// directly (their HTTP glue in rest_server.cpp, stream_routes.cpp and
// command_routes.cpp only passes the body on); the twin PATCH, whose handling
// lives in an httplib lambda (twin_routes.cpp), goes through httplib's
// request handling from memory (in_memory_http.h).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/command_handlers.h"
#include "api/rest_handlers.h"
#include "api/twin_routes.h"
#include "commands/fleet_jobs.h"
#include "commands/memory_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "fuzz_input.h"
#include "in_memory_http.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "routing/route_table.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Hub {
  Hub() {
    for (const char* id : {"boiler-1", "pump-7"}) {
      DeviceRecord record;
      record.id = id;
      record.certificate_sha256 = std::string(64, 'a');
      record.attributes_json = R"({"site":"basement","tags":["heating"]})";
      (void)registry.add(record);
    }
    // Devices answer every command with its payload (a synchronous command
    // then ends at once, instead of waiting for its timeout).
    broker.on_publish([this](const PublishedMessage& message) {
      auto command = protocol::parse_command(message.payload);
      if (!command) return;
      // devices/<id>/commands -> devices/<id>/responses
      const std::string device = message.topic.substr(8, message.topic.rfind('/') - 8);
      (void)commands.on_response(
          "devices/" + device + "/responses",
          protocol::build_command_response({command->id, 200, command->payload_json}));
    });
    (void)twins.patch_desired("boiler-1", R"({"interval_ms":500})", 0);
    handlers.set_twins(twins);
    handlers.set_routes(routes);
    // One record and a consumer group to configure and commit against.
    (void)streams.append(NewRecord{"telemetry", 1, "boiler-1", 1, "devices/boiler-1/telemetry",
                                   R"({"t":1})", std::nullopt});
  }

  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryCommandStore command_store;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher commands{
      registry, broker, streams, clock, [] { return std::string("c-1"); }, command_store, presence};
  DeviceEnrollment enrollment{
      registry,
      [](std::string_view common_name) {
        return IssuedCertificate{"CERT " + std::string(common_name), "KEY", std::string(64, 'b')};
      },
      "CA"};
  RestHandlers handlers{RestDependencies{registry, streams, commands, enrollment,
                                         [] { return HealthReport{}; }, "fuzz"}};
  std::unique_ptr<TwinStore> twin_store = TwinStore::open(":memory:");
  TwinService twins{registry, *twin_store, broker, presence, streams, clock};
  std::unique_ptr<RouteStore> route_store = make_memory_route_store();
  RouteTable routes{*route_store, [](std::string_view) { return std::string("{}"); }};
  FleetJobs jobs{registry, commands, [] { return std::string("j-1"); }};
};

Hub* current = nullptr;

// httplib's server with the twin routes, routed once; they reach the current
// input's hub.
fuzz::InMemoryServer& server() {
  static fuzz::InMemoryServer* routed = [] {
    auto* made = new fuzz::InMemoryServer();
    made->set_payload_max_length(1024 * 1024);  // hubd's --max-body-bytes default
    // Roles are not what is fuzzed here: every request runs its handler.
    ApiRouter router(
        *made, [](const RouteRole&, const httplib::Request& request, httplib::Response& response,
                  const ApiRouter::Handler& handler) { handler(request, response); });
    route_twins(router, [] { return &current->twins; });
    return made;
  }();
  return *routed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  Hub hub;
  current = &hub;
  switch (data[0] % 10) {
    case 0:
      (void)hub.handlers.add_device(body);
      (void)hub.handlers.list_devices();
      break;
    case 1:
      (void)hub.handlers.send_command("boiler-1", body);
      (void)command_api::show(hub.commands, "c-1");
      break;
    case 2:
      (void)hub.handlers.add_route(body);
      (void)hub.handlers.list_routes();
      break;
    case 3:
      (void)hub.handlers.test_route(body);
      break;
    case 4:
      (void)hub.handlers.streams().create(body);
      break;
    case 5:
      (void)hub.handlers.streams().configure("telemetry", body);
      break;
    case 6:
      (void)hub.handlers.streams().commit("telemetry", "fuzz-group", body);
      break;
    case 7:
      (void)command_api::send(hub.commands, "pump-7", body);
      break;
    case 8:
      (void)command_api::create_job(hub.jobs, body);
      break;
    default:
      (void)server().serve(fuzz::http_request("PATCH", "/api/v1/devices/boiler-1/twin", body));
      (void)server().serve(fuzz::http_request("GET", "/api/v1/devices/boiler-1/twin", ""));
      break;
  }
  current = nullptr;
  return 0;
}
