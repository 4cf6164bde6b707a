// One fixture per StreamStore implementation, so that the contract test
// cases run against both (TEST_CASE_TEMPLATE).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "streams/memory_stream_store.h"
#include "streams/sqlite_stream_store.h"
#include "edgehub/test/temp_directory.h"

namespace edgehub::test {

struct SqliteStoreFixture {
  TempDirectory directory;
  std::filesystem::path file = directory.path() / "streams.db";
  std::unique_ptr<hub::SqliteStreamStore> store = hub::SqliteStreamStore::open(file);
};

struct MemoryStoreFixture {
  std::unique_ptr<hub::MemoryStreamStore> store = std::make_unique<hub::MemoryStreamStore>();
};

inline hub::NewRecord telemetry(std::string device_id, std::optional<std::uint64_t> seq,
                                std::string payload = R"({"t": 1})") {
  hub::NewRecord record;
  record.stream = std::string(hub::kTelemetryStream);
  record.received_at_ms = 1'700'000'000'000;
  record.topic = "devices/" + device_id + "/telemetry";
  record.device_id = std::move(device_id);
  record.seq = seq;
  record.payload = std::move(payload);
  return record;
}

}  // namespace edgehub::test
