// The stream and consumer endpoints of docs/protocol.md section 6: stream
// management, reading (from an offset, a time, or a consumer group's commit,
// optionally waiting for new records), commits, and the pieces the
// Server-Sent Events tail in rest_server.cpp is made of. No socket here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_response.h"
#include "api/ndjson_records.h"
#include "clock/clock.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

inline constexpr std::size_t kMaxRecordsPerStreamRead = 10000;
inline constexpr std::size_t kDefaultRecordsPerStreamRead = 100;
// An NDJSON read is sent in parts (ndjson_records.h): a larger limit is fine.
inline constexpr std::size_t kMaxRecordsPerNdjsonRead = 1000000;
inline constexpr std::chrono::milliseconds kMaxWait{60000};
// Tails (long-polls, event streams) that may wait at once: each holds one of
// the REST server's 64 workers; the rest stay for everything else.
inline constexpr int kMaxWaitingTails = 32;

// Where a read starts: at most one of the three; none = the oldest record.
struct ReadStart {
  std::optional<std::string_view> from;       // offset
  std::optional<std::string_view> from_time;  // ms since the epoch
  std::optional<std::string_view> group;      // the group's committed offset
};

struct RecordsBatch {
  std::vector<std::string> records;    // record JSON texts, oldest first
  std::vector<std::uint64_t> offsets;  // each record's offset
  std::uint64_t next_offset = 0;       // where the next read continues
};

// Refused messages per device for a stream (hubd: DeviceFlowControl).
using RefusalsByDevice = std::function<std::map<std::string, std::uint64_t>(std::string_view)>;

class StreamHandlers {
 public:
  // store and clock must outlive the handlers.
  StreamHandlers(StreamStore& store, const Clock& clock);

  void set_refusals_by_device(RefusalsByDevice refusals) { refusals_ = std::move(refusals); }

  ApiResponse list() const;                                               // GET /streams
  ApiResponse info(std::string_view stream) const;                        // GET /streams/{n}
  ApiResponse create(std::string_view body);                              // POST /streams
  ApiResponse configure(std::string_view stream, std::string_view body);  // PATCH /streams/{n}
  // GET /streams/{n}/records?from|from_time|group&limit&wait_ms
  ApiResponse read(std::string_view stream, const ReadStart& start,
                   std::optional<std::string_view> limit,
                   std::optional<std::string_view> wait_ms) const;
  // The same read answered as NDJSON (?format=ndjson or Accept:
  // application/x-ndjson): parameters checked, the position resolved and
  // waited for here (an error is the answer's status); the body then comes
  // part by part from the returned NdjsonRecords.
  Result<NdjsonRecords> read_ndjson(std::string_view stream, const ReadStart& start,
                                    std::optional<std::string_view> limit,
                                    std::optional<std::string_view> wait_ms) const;
  // POST /streams/{n}/groups/{g}/commit {"offset": N}
  ApiResponse commit(std::string_view stream, std::string_view group, std::string_view body);
  ApiResponse groups(std::string_view stream) const;  // GET /streams/{n}/groups

  // For the event stream: the first offset to send, records from an offset,
  // and a bounded wait for more.
  Result<std::uint64_t> start_offset(std::string_view stream, const ReadStart& start) const;
  // With `device`, only that device's records are returned (next_offset
  // still passes the others): the console's device page follows one device
  // without the browser receiving the whole fleet's telemetry.
  Result<RecordsBatch> read_batch(std::string_view stream, std::uint64_t from, std::size_t limit,
                                  std::optional<std::string_view> device = std::nullopt) const;
  bool wait_for_records(std::string_view stream, std::uint64_t from,
                        std::chrono::milliseconds timeout) const;

  // A slot for a waiting tail, or unavailable when kMaxWaitingTails wait.
  class TailSlot {
   public:
    explicit TailSlot(std::atomic<int>& waiting) : waiting_(&waiting) {}
    TailSlot(TailSlot&& other) noexcept : waiting_(other.waiting_) { other.waiting_ = nullptr; }
    TailSlot(const TailSlot&) = delete;
    TailSlot& operator=(const TailSlot&) = delete;
    TailSlot& operator=(TailSlot&&) = delete;
    ~TailSlot() {
      if (waiting_) --*waiting_;
    }

   private:
    std::atomic<int>* waiting_;
  };
  Result<TailSlot> acquire_tail_slot() const;

 private:
  // A read's checked parameters and its first records (after waiting).
  struct FirstRecords {
    std::uint64_t from = 0;
    std::uint64_t limit = 0;
    std::vector<StreamRecord> records;
  };
  Result<FirstRecords> read_first(std::string_view stream, const ReadStart& start,
                                  std::optional<std::string_view> limit,
                                  std::optional<std::string_view> wait_ms, std::size_t max_limit,
                                  std::size_t first_count) const;

  StreamStore& store_;
  const Clock& clock_;
  RefusalsByDevice refusals_;
  mutable std::atomic<int> waiting_tails_{0};
};

}  // namespace edgehub::hub
