// libFuzzer target: a telemetry payload from a device, as hubd takes it.
// The input is the payload of one message on devices/fuzz-1/telemetry; it
// goes through TelemetryIngestor::ingest (protocol::parse_telemetry_message,
// message_plan.cpp's plan_message, two routes evaluated by SQLite, the
// in-memory stream store), then every stored record is rendered as the REST
// API returns it (record_text): what a device's data meets on its way in and
// when an operator reads it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/record_text.h"
#include "fuzz_input.h"
#include "ingest/telemetry_ingestor.h"
#include "routing/route_table.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

RouteTable& routes() {
  static std::unique_ptr<RouteStore> store = make_memory_route_store();
  static RouteTable* table = [] {
    auto* made = new RouteTable(
        *store, [](std::string_view) { return std::string(R"({"room":"cellar","floor":2})"); });
    (void)made->add(RouteDefinition{"hot", "$.t > 30 OR $.a.b[1] = 'x'",
                                    "json_object('t', $.t, 'room', attributes.$.room, 'all', $)",
                                    "hot", 0});
    (void)made->add(RouteDefinition{"copy", "json_type($) = 'object'", "", "copies", 0});
    return made;
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload = fuzz::as_text(data, size);

  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{}, &routes());
  (void)ingestor.ingest("devices/fuzz-1/telemetry", payload, 1000);

  auto streams = store.list();
  if (!streams) return 0;
  for (const StreamInfo& stream : *streams) {
    auto records = store.read(stream.name, 0, 10000);
    if (!records) continue;
    for (const StreamRecord& record : *records) {
      (void)record_text(record);
    }
  }
  return 0;
}
