#include "journal/journal_codec.h"

#include <zlib.h>

#include <cstdint>

namespace edgehub::hub {
namespace {

// Larger frames are not written (the broker's payload limit is far below).
constexpr std::uint32_t kMaxBodyBytes = 64u * 1024u * 1024u;

template <typename Unsigned>
void put_le(Unsigned value, std::string& out) {
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
  }
}

template <typename Unsigned>
Unsigned get_le(std::string_view bytes, std::size_t at) {
  Unsigned value = 0;
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    value |= static_cast<Unsigned>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

std::uint32_t checksum(std::string_view body) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
}

}  // namespace

void encode_journal_entry(std::uint64_t sequence, std::int64_t received_at_ms,
                          std::string_view topic, std::string_view payload, std::string& out) {
  const std::size_t body_size = kJournalBodyFixedBytes + topic.size() + payload.size();
  const std::size_t frame_start = out.size();
  out.reserve(frame_start + kJournalFrameHeaderBytes + body_size);
  put_le(static_cast<std::uint32_t>(body_size), out);
  put_le(std::uint32_t{0}, out);  // checksum, filled below
  const std::size_t body_start = out.size();
  put_le(sequence, out);
  put_le(static_cast<std::uint64_t>(received_at_ms), out);
  put_le(static_cast<std::uint32_t>(topic.size()), out);
  out.append(topic);
  out.append(payload);
  const std::uint32_t sum = checksum(std::string_view(out).substr(body_start));
  for (std::size_t i = 0; i < 4; ++i) {
    out[frame_start + 4 + i] = static_cast<char>((sum >> (8 * i)) & 0xffu);
  }
}

DecodedFrame decode_journal_entry(std::string_view bytes, JournalEntry& entry) {
  if (bytes.size() < kJournalFrameHeaderBytes) return {FrameStatus::incomplete, 0};
  const std::uint32_t body_size = get_le<std::uint32_t>(bytes, 0);
  if (body_size < kJournalBodyFixedBytes || body_size > kMaxBodyBytes) {
    return {FrameStatus::corrupt, 0};
  }
  const std::size_t frame_size = kJournalFrameHeaderBytes + body_size;
  if (bytes.size() < frame_size) return {FrameStatus::incomplete, 0};
  const std::string_view body = bytes.substr(kJournalFrameHeaderBytes, body_size);
  if (checksum(body) != get_le<std::uint32_t>(bytes, 4)) return {FrameStatus::corrupt, 0};
  const std::uint32_t topic_size = get_le<std::uint32_t>(body, 16);
  if (topic_size > body_size - kJournalBodyFixedBytes) return {FrameStatus::corrupt, 0};
  entry.sequence = get_le<std::uint64_t>(body, 0);
  entry.received_at_ms = static_cast<std::int64_t>(get_le<std::uint64_t>(body, 8));
  entry.topic.assign(body.substr(kJournalBodyFixedBytes, topic_size));
  entry.payload.assign(body.substr(kJournalBodyFixedBytes + topic_size));
  return {FrameStatus::complete, frame_size};
}

}  // namespace edgehub::hub
