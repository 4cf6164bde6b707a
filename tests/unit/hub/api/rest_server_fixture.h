// One RestServer on 127.0.0.1, on a port the system picks, over in-memory
// dependencies; stopped by the destructor even when a check fails.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>

#include "api/rest_server.h"
#include "commands/memory_command_store.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

namespace edgehub::test {

inline const std::string kToken = "0123456789abcdef";

inline hub::RestServerSettings small_server_settings() {
  hub::RestServerSettings settings;
  settings.bind_address = "127.0.0.1";
  settings.port = 0;
  settings.api_token = kToken;
  settings.worker_threads = 4;
  settings.max_body_bytes = 1024;
  return settings;
}

struct ServerFixture {
  explicit ServerFixture(hub::RestServerSettings settings = small_server_settings())
      : server(handlers, std::move(settings)) {
    REQUIRE(server.start().ok());
    REQUIRE(server.port() != 0);
  }

  httplib::Client client() {
    httplib::Client http("127.0.0.1", server.port());
    http.set_connection_timeout(2, 0);
    http.set_read_timeout(5, 0);
    return http;
  }
  httplib::Headers authorized() { return {{"Authorization", "Bearer " + kToken}}; }

  hub::ManualClock clock;
  hub::MemoryDeviceRegistry registry{clock};
  hub::MemoryStreamStore streams;
  hub::MemoryBrokerConnection broker;
  hub::MemoryCommandStore command_store;
  hub::MemoryDevicePresence presence{/*connected_by_default=*/true};
  hub::CommandDispatcher commands{
      registry, broker, streams, clock, [] { return std::string("c-1"); }, command_store, presence};
  hub::DeviceEnrollment enrollment{
      registry,
      [](std::string_view name) {
        return hub::IssuedCertificate{"CERT " + std::string(name), "KEY", std::string(64, 'd')};
      },
      "CA"};
  hub::RestHandlers handlers{hub::RestDependencies{registry, streams, commands, enrollment,
                                                   [] {
                                                     return hub::HealthReport{true, {}};
                                                   },
                                                   "0.1.0"}};
  hub::RestServer server;
};

}  // namespace edgehub::test
