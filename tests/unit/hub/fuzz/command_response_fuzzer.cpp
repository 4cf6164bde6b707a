// libFuzzer target: a command response from a device, as hubd takes it.
// Each input starts from a fresh dispatcher (in-memory registry, SQLite
// command store in memory, in-memory broker and dead-letter stream) in which
// command c-1 was sent to boiler-1 and waits for its answer. The input is the
// payload of devices/boiler-1/responses: CommandDispatcher::on_response
// (protocol::parse_command_response, matching, the stored result), twice (a
// second answer), then the command is rendered as GET /commands/c-1 does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/command_handlers.h"
#include "commands/command_dispatcher.h"
#include "commands/sqlite_command_store.h"
#include "fuzz_input.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Hub {
  Hub() {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    (void)registry.add(record);
    CommandSubmission submission;
    submission.device_id = "boiler-1";
    submission.name = "set-interval";
    submission.payload_json = R"({"interval_ms":500})";
    submission.queue = true;  // sent at once (connected), answer awaited
    (void)dispatcher.submit(submission);
  }
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  std::unique_ptr<SqliteCommandStore> store = SqliteCommandStore::open(":memory:");
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher dispatcher{registry, broker,  streams, clock, [] { return std::string("c-1"); },
                               *store,   presence};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload = fuzz::as_text(data, size);
  Hub hub;
  (void)hub.dispatcher.on_response("devices/boiler-1/responses", payload);
  hub.clock.advance_ms(5);
  (void)hub.dispatcher.on_response("devices/boiler-1/responses", payload);
  (void)command_api::show(hub.dispatcher, "c-1");
  return 0;
}
