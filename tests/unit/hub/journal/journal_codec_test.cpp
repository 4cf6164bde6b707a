#include "journal/journal_codec.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("an encoded entry decodes to the same entry, bytes exactly") {
  std::string frame;
  const std::string payload("\x00\xff{\"seq\":1}\n", 12);
  encode_journal_entry(42, -5, "devices/a/telemetry", payload, frame);
  CHECK(frame.size() == kJournalFrameHeaderBytes + kJournalBodyFixedBytes + 19 + payload.size());

  JournalEntry entry;
  const DecodedFrame decoded = decode_journal_entry(frame, entry);
  REQUIRE(decoded.status == FrameStatus::complete);
  CHECK(decoded.size == frame.size());
  CHECK(entry.sequence == 42);
  CHECK(entry.received_at_ms == -5);
  CHECK(entry.topic == "devices/a/telemetry");
  CHECK(entry.payload == payload);
}

TEST_CASE("frames follow each other; each decodes on its own") {
  std::string bytes;
  encode_journal_entry(1, 10, "t", "one", bytes);
  const std::size_t first_size = bytes.size();
  encode_journal_entry(2, 11, "t", "", bytes);
  JournalEntry entry;
  REQUIRE(decode_journal_entry(bytes, entry).size == first_size);
  CHECK(entry.payload == "one");
  const DecodedFrame second =
      decode_journal_entry(std::string_view(bytes).substr(first_size), entry);
  REQUIRE(second.status == FrameStatus::complete);
  CHECK(entry.sequence == 2);
  CHECK(entry.payload.empty());
}

TEST_CASE("a frame cut short anywhere is incomplete, not an entry") {
  std::string frame;
  encode_journal_entry(7, 1, "devices/a/telemetry", R"({"seq":7,"data":1})", frame);
  for (std::size_t size = 0; size < frame.size(); ++size) {
    JournalEntry entry;
    CAPTURE(size);
    CHECK(decode_journal_entry(std::string_view(frame).substr(0, size), entry).status ==
          FrameStatus::incomplete);
  }
}

TEST_CASE("a flipped bit anywhere in a frame is detected") {
  std::string frame;
  encode_journal_entry(7, 1, "devices/a/telemetry", R"({"seq":7,"data":1})", frame);
  for (std::size_t at = 0; at < frame.size(); ++at) {
    std::string damaged = frame;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    JournalEntry entry;
    CAPTURE(at);
    CHECK(decode_journal_entry(damaged, entry).status != FrameStatus::complete);
  }
}
