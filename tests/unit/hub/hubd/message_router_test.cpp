#include "hubd/message_router.h"

#include <doctest/doctest.h>

#include "mqtt/memory_broker_connection.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

// Fails the next `failures` appends with an I/O error, then works.
class FlakyStreamStore final : public StreamStore {
 public:
  Result<AppendResult> append(const NewRecord& record) override {
    ++attempts;
    if (failures > 0) {
      --failures;
      return make_error(ErrorCode::internal, "disk I/O error");
    }
    return inner.append(record);
  }
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) override {
    return inner.append_batch(records);
  }
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from,
                                         std::size_t limit) const override {
    return inner.read(stream, from, limit);
  }
  Result<std::vector<StreamInfo>> list() const override { return inner.list(); }

  int failures = 0;
  int attempts = 0;
  MemoryStreamStore inner;
};

struct StoreBroken {
  Error error;
};

struct Fixture {
  std::size_t records(std::string_view stream) const {
    auto read = store.read(stream, 0, 100);
    return read ? read->size() : 0;
  }

  ManualClock clock;
  FlakyStreamStore store;
  MemoryDeviceRegistry registry{clock};
  MemoryBrokerConnection broker;
  TelemetryIngestor ingestor{store, IngestLimits{}};
  CommandDispatcher commands{registry, broker, store, clock, [] { return std::string("c-1"); }};
  std::vector<std::chrono::milliseconds> slept;
  MessageRouter router{ingestor,
                       commands,
                       clock,
                       StoreRetryPolicy{{10ms, 20ms, 30ms}},
                       [](const Error& error) { throw StoreBroken{error}; },
                       [this](std::chrono::milliseconds delay) { slept.push_back(delay); }};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "telemetry is stored before the handler returns") {
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  CHECK(records(kTelemetryStream) == 1);
  CHECK(slept.empty());
}

TEST_CASE_FIXTURE(Fixture, "responses go to the command dispatcher") {
  router.handle(IncomingMessage{"devices/a/responses", R"({"id":"c-9","status":200})", 1, false});
  CHECK(records(kTelemetryStream) == 0);
  REQUIRE(records(kDeadLetterStream) == 1);  // nobody waits for c-9
  auto dead = store.read(kDeadLetterStream, 0, 1);
  CHECK(dead->front().reason->find("not waiting for") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "anything else is dead-lettered, never dropped") {
  router.handle(IncomingMessage{"devices/a/other", "x", 1, false});
  router.handle(IncomingMessage{"elsewhere", "y", 0, false});
  CHECK(records(kDeadLetterStream) == 2);
}

TEST_CASE_FIXTURE(Fixture, "a store that recovers is retried with the policy's delays") {
  store.failures = 2;
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  CHECK(records(kTelemetryStream) == 1);
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms});
  CHECK(store.attempts == 3);
}

TEST_CASE_FIXTURE(Fixture, "a store that stays broken never lets the handler return normally") {
  store.failures = 1000;
  try {
    router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
    FAIL("the handler returned: the message would have been acknowledged");
  } catch (const StoreBroken& broken) {
    CHECK(broken.error.code == ErrorCode::internal);
  }
  CHECK(store.attempts == 4);
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms, 30ms});
  CHECK(records(kTelemetryStream) == 0);
}

TEST_CASE_FIXTURE(Fixture, "every attempt records the first arrival time") {
  store.failures = 1;
  const auto arrived = clock.now_ms();
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  auto stored = store.read(kTelemetryStream, 0, 1);
  REQUIRE(stored.ok());
  CHECK(stored->front().received_at_ms == arrived);
}
