// libFuzzer target: a twin report from a device, as hubd takes it. Each input
// starts from a fresh twin store (SQLite in memory) for boiler-1, whose
// desired document is set. The input is the payload of
// devices/boiler-1/reported: TwinService::on_reported (the report's parser,
// TwinStore::apply_reported's merge into the stored document, or a dead
// letter); then a valid report and an operator's desired patch are applied
// on top of whatever was stored, and the twin is read back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"
#include "twins/twin_service.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Hub {
  Hub() {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    (void)registry.add(record);
    (void)twins.patch_desired("boiler-1", R"({"interval_ms":500,"mode":{"eco":true}})", 0);
  }
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  std::unique_ptr<TwinStore> store = TwinStore::open(":memory:");
  TwinService twins{registry, *store, broker, presence, streams, clock};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload = fuzz::as_text(data, size);
  Hub hub;
  (void)hub.twins.on_reported("devices/boiler-1/reported", payload);
  hub.clock.advance_ms(5);
  (void)hub.twins.on_reported(
      "devices/boiler-1/reported",
      R"({"version":18446744073709551615,"reported":{"fw":"2","mode":null}})");
  (void)hub.twins.patch_desired("boiler-1", R"({"mode":{"eco":false},"extra":[1,2]})",
                                std::nullopt);
  (void)hub.twins.get("boiler-1");
  return 0;
}
