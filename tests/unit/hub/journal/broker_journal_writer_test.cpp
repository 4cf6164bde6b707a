#include "journal/broker_journal_writer.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <vector>

#include "edgehub/test/temp_directory.h"
#include "journal/journal_codec.h"
#include "journal/segment_files.h"
#include "journal/segment_reader.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

constexpr std::uint64_t kNowUs = 1'000'000;

std::unique_ptr<BrokerJournalWriter> open_writer(const std::filesystem::path& dir,
                                                 BrokerJournalWriterSettings settings = {},
                                                 std::uint64_t now_us = kNowUs) {
  auto opened = BrokerJournalWriter::open(dir, settings, now_us);
  REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
  return std::move(*opened);
}

// Every complete entry in the segments of dir, in order, as a reader sees them.
std::vector<JournalEntry> entries_in(const std::filesystem::path& dir) {
  std::vector<JournalEntry> entries;
  auto segments = list_segments(dir);
  REQUIRE(segments.ok());
  for (const auto& [first, file] : *segments) {
    auto reader = SegmentReader::open(file, 1u << 20);
    REQUIRE(reader.ok());
    JournalEntry entry;
    while (reader->next(entry) == FrameStatus::complete) entries.push_back(entry);
  }
  return entries;
}

}  // namespace

TEST_CASE("telemetry is readable from the directory as soon as append returns") {
  test::TempDirectory dir;
  auto writer = open_writer(dir.path() / "broker");
  REQUIRE(writer->append(111, "devices/a/telemetry", R"({"seq":1})").ok());
  REQUIRE(writer->append(112, "devices/b/telemetry", R"({"seq":7})").ok());
  const auto entries = entries_in(dir.path() / "broker");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].sequence == kNowUs);
  CHECK(entries[1].sequence == kNowUs + 1);
  CHECK(entries[0].received_at_ms == 111);
  CHECK(entries[1].topic == "devices/b/telemetry");
  CHECK(entries[1].payload == R"({"seq":7})");
  struct stat info {};
  REQUIRE(::stat((dir.path() / "broker").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
}

TEST_CASE("a new run starts a new segment and never reuses a number") {
  test::TempDirectory dir;
  {
    auto writer = open_writer(dir.path(), {}, 5000);
    for (int i = 0; i < 3; ++i) REQUIRE(writer->append(1, "devices/a/telemetry", "x").ok());
  }
  // The clock went back: the numbers still continue after the highest on disk.
  auto writer = open_writer(dir.path(), {}, 10);
  CHECK(writer->next_sequence() == 5003);
  REQUIRE(writer->append(1, "devices/a/telemetry", "y").ok());
  auto segments = list_segments(dir.path());
  REQUIRE(segments.ok());
  CHECK(segments->size() == 2);
  CHECK(segments->rbegin()->first == 5003);
  const auto entries = entries_in(dir.path());
  REQUIRE(entries.size() == 4);
  CHECK(entries.back().sequence == 5003);
}

TEST_CASE("an emptied directory restarts the numbers at the clock, above any earlier number") {
  test::TempDirectory dir;
  { open_writer(dir.path(), {}, 700)->append(1, "devices/a/telemetry", "x").ok(); }
  std::filesystem::remove_all(dir.path());
  auto writer = open_writer(dir.path(), {}, 900);
  CHECK(writer->next_sequence() == 900);
}

TEST_CASE("a torn frame at the end of the last run's segment is not counted") {
  test::TempDirectory dir;
  {
    auto writer = open_writer(dir.path(), {}, 100);
    REQUIRE(writer->append(1, "devices/a/telemetry", "x").ok());
  }
  auto segments = list_segments(dir.path());
  std::ofstream(segments->begin()->second, std::ios::binary | std::ios::app) << "\x40\x00\x00";
  CHECK(highest_journal_sequence(dir.path()).value() == 100);
  CHECK(open_writer(dir.path(), {}, 1)->next_sequence() == 101);
}

TEST_CASE("segments roll over at segment_bytes") {
  test::TempDirectory dir;
  auto writer = open_writer(dir.path(), BrokerJournalWriterSettings{.segment_bytes = 200});
  const std::string payload(100, 'p');
  for (int i = 0; i < 5; ++i) REQUIRE(writer->append(1, "devices/a/telemetry", payload).ok());
  CHECK(list_segments(dir.path())->size() >= 3);
  CHECK(entries_in(dir.path()).size() == 5);
  CHECK(writer->sync().ok());  // the full segments handed over are synced and closed
}

TEST_CASE("over the budget append refuses, and takes again once segments are deleted") {
  test::TempDirectory dir;
  auto writer =
      open_writer(dir.path(), BrokerJournalWriterSettings{.segment_bytes = 300, .max_bytes = 1000});
  const std::string payload(150, 'p');
  int written = 0;
  Status last = ok_status();
  while ((last = writer->append(1, "devices/a/telemetry", payload)).ok()) ++written;
  CHECK(written >= 4);
  CHECK(written <= 5);
  CHECK(last.error().code == ErrorCode::unavailable);
  CHECK(last.error().message.find("journal full") != std::string::npos);
  CHECK(writer->bytes_on_disk() <= 1000);
  // hubd stored and deleted the older segments: after a refresh there is room.
  auto segments = list_segments(dir.path());
  for (auto it = segments->begin(); std::next(it) != segments->end(); ++it) {
    std::filesystem::remove(it->second);
  }
  REQUIRE(writer->refresh_usage().ok());
  CHECK(writer->append(1, "devices/a/telemetry", payload).ok());
  CHECK(entries_in(dir.path()).back().payload == payload);
}

TEST_CASE("a directory that cannot be created is an error, not a crash") {
  test::TempDirectory dir;
  std::ofstream(dir.path() / "file") << "x";
  auto opened = BrokerJournalWriter::open(dir.path() / "file" / "broker", {}, kNowUs);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().message.find("cannot create") != std::string::npos);
}

TEST_CASE("a budget filled by the segment being written is freed once hubd stores it") {
  test::TempDirectory dir;
  // The whole budget fits in one segment: the writer must leave it when full,
  // since hubd never deletes the segment being written.
  auto writer = open_writer(dir.path(), BrokerJournalWriterSettings{.max_bytes = 64 * 1024});
  const std::string payload(1000, 'p');
  while (writer->append(1, "devices/a/telemetry", payload).ok()) {
  }
  auto segments = list_segments(dir.path());
  REQUIRE(segments->size() == 2);  // the full one, and a new empty one
  CHECK(std::filesystem::file_size(segments->rbegin()->second) == 0);
  std::filesystem::remove(segments->begin()->second);  // hubd stored it
  REQUIRE(writer->refresh_usage().ok());
  CHECK(writer->append(1, "devices/a/telemetry", payload).ok());
}
