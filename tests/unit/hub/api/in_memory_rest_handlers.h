// RestHandlers over in-memory stores, a broker that records and an
// enrollment that "issues" fixed text: the handlers' tests without sockets.
#pragma once

#include <string>
#include <string_view>

#include "api/rest_handlers.h"
#include "commands/memory_command_store.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

namespace edgehub::hub {

struct InMemoryRestHandlers {
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryCommandStore command_store;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher commands{
      registry, broker, streams, clock, [] { return std::string("c-1"); }, command_store, presence};
  DeviceEnrollment enrollment{registry,
                              [](std::string_view common_name) {
                                return IssuedCertificate{"CERT " + std::string(common_name),
                                                         "KEY " + std::string(common_name),
                                                         std::string(64, 'b')};
                              },
                              "CA CERT"};
  RestHandlers handlers{RestDependencies{registry, streams, commands, enrollment, {}, "0.1.0"}};
};

}  // namespace edgehub::hub
