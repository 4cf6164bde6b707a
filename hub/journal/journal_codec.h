// The ingest journal's on-disk frame for one entry (pure, no I/O):
//
//   u32 body_size | u32 crc32(body) | body
//   body = u64 sequence | i64 received_at_ms | u32 topic_size | topic | payload
//
// integers little-endian. The checksum tells a torn write at the end of a
// segment (the process died in the middle of write()) from an entry.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "journal/journal_entry.h"

namespace edgehub::hub {

inline constexpr std::size_t kJournalFrameHeaderBytes = 8;
inline constexpr std::size_t kJournalBodyFixedBytes = 20;

// Appends the frame of (sequence, received_at_ms, topic, payload) to out.
void encode_journal_entry(std::uint64_t sequence, std::int64_t received_at_ms,
                          std::string_view topic, std::string_view payload, std::string& out);

enum class FrameStatus {
  complete,    // entry filled, size = bytes of the frame
  incomplete,  // bytes end inside a frame (a torn write at a segment's end)
  corrupt,     // checksum or sizes do not match: not an entry
};

struct DecodedFrame {
  FrameStatus status = FrameStatus::incomplete;
  std::size_t size = 0;
};

// Decodes the frame at the start of bytes into entry.
DecodedFrame decode_journal_entry(std::string_view bytes, JournalEntry& entry);

}  // namespace edgehub::hub
