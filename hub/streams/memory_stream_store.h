// StreamStore in memory, for unit tests of the modules that use streams.
// Behaves like SqliteStreamStore (the same test cases run against both).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "streams/stream_store.h"

namespace edgehub::hub {

class MemoryStreamStore final : public StreamStore {
 public:
  Result<AppendResult> append(const NewRecord& record) override;
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) override;
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from_offset,
                                         std::size_t limit) const override;
  Result<std::vector<StreamInfo>> list() const override;

 private:
  struct Stream {
    std::uint64_t next_offset = 0;
    std::vector<StreamRecord> records;  // offsets next_offset - size() .. next_offset - 1
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> offset_by_device_seq;
  };

  AppendResult append_validated(const NewRecord& record);

  mutable std::mutex mutex_;
  std::map<std::string, Stream, std::less<>> streams_;
};

}  // namespace edgehub::hub
