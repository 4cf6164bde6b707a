#include "journal/file_journal.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "edgehub/test/temp_directory.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

std::unique_ptr<FileJournal> open_journal(const std::filesystem::path& dir,
                                          std::size_t segment_bytes = 1 << 20,
                                          std::uint64_t min_next = 1) {
  auto opened = FileJournal::open(dir, FileJournalSettings{segment_bytes}, min_next);
  REQUIRE(opened.ok());
  return std::move(*opened);
}

JournalEntry message(std::string payload, std::int64_t at = 100) {
  return JournalEntry{0, at, "devices/a/telemetry", std::move(payload)};
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& item : std::filesystem::directory_iterator(dir)) files.push_back(item.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("entries are numbered in order and come back after a restart") {
  test::TempDirectory dir;
  {
    auto journal = open_journal(dir.path());
    for (int i = 0; i < 3; ++i) {
      JournalEntry entry = message("m" + std::to_string(i), 100 + i);
      REQUIRE(journal->append(entry).ok());
      CHECK(entry.sequence == static_cast<std::uint64_t>(i + 1));
    }
  }  // the process "dies": nothing was released
  auto reopened = open_journal(dir.path());
  CHECK(reopened->notes().empty());
  const std::vector<JournalEntry> recovered = reopened->take_recovered(0);
  REQUIRE(recovered.size() == 3);
  CHECK(recovered[0].payload == "m0");
  CHECK(recovered[2].sequence == 3);
  CHECK(recovered[2].received_at_ms == 102);
  CHECK(reopened->take_recovered(0).empty());  // once
  JournalEntry next = message("m3");
  REQUIRE(reopened->append(next).ok());
  CHECK(next.sequence == 4);  // numbers are never reused
}

TEST_CASE("recovery skips what the streams already hold") {
  test::TempDirectory dir;
  {
    auto journal = open_journal(dir.path());
    for (int i = 0; i < 5; ++i) {
      JournalEntry entry = message("m" + std::to_string(i));
      REQUIRE(journal->append(entry).ok());
    }
  }
  const std::vector<JournalEntry> recovered = open_journal(dir.path())->take_recovered(3);
  REQUIRE(recovered.size() == 2);
  CHECK(recovered[0].sequence == 4);
  CHECK(recovered[1].sequence == 5);
}

TEST_CASE("numbering continues after the streams' position when every segment is gone") {
  test::TempDirectory dir;
  auto journal = open_journal(dir.path(), 1 << 20, 501);
  JournalEntry entry = message("x");
  REQUIRE(journal->append(entry).ok());
  CHECK(entry.sequence == 501);
}

TEST_CASE("released segments are deleted; the one written to stays") {
  test::TempDirectory dir;
  auto journal = open_journal(dir.path(), 64);  // a new segment after about one entry
  for (int i = 0; i < 6; ++i) {
    JournalEntry entry = message(std::string(60, 'x'));
    REQUIRE(journal->append(entry).ok());
  }
  CHECK(journal->segment_count() == 7);
  journal->release(3);
  CHECK(journal->segment_count() == 4);
  CHECK(files_in(dir.path()).size() == 4);
  journal->release(6);
  CHECK(journal->segment_count() == 1);
  // What is left after a restart: nothing unreleased.
  journal.reset();
  CHECK(open_journal(dir.path(), 64, 7)->take_recovered(6).empty());
}

TEST_CASE("a torn entry at the end (crash inside write) is cut off, the rest recovered") {
  test::TempDirectory dir;
  {
    auto journal = open_journal(dir.path());
    for (int i = 0; i < 2; ++i) {
      JournalEntry entry = message("m" + std::to_string(i));
      REQUIRE(journal->append(entry).ok());
    }
  }
  const std::filesystem::path segment = files_in(dir.path()).front();
  const auto intact = std::filesystem::file_size(segment);
  {
    std::ofstream out(segment, std::ios::binary | std::ios::app);
    out << std::string("\x30\x00\x00\x00\x01\x02", 6);  // a frame header, no body
  }
  auto reopened = open_journal(dir.path());
  REQUIRE(reopened->notes().size() == 1);
  CHECK(reopened->notes()[0].find("torn entry") != std::string::npos);
  CHECK(reopened->take_recovered(0).size() == 2);
  CHECK(std::filesystem::file_size(segment) == intact);
}

TEST_CASE("a damaged entry keeps its segment aside and says so; nothing is deleted") {
  test::TempDirectory dir;
  {
    auto journal = open_journal(dir.path());
    for (int i = 0; i < 3; ++i) {
      JournalEntry entry = message("payload-" + std::to_string(i));
      REQUIRE(journal->append(entry).ok());
    }
  }
  const std::filesystem::path segment = files_in(dir.path()).front();
  {
    std::fstream file(segment, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(segment) / 2));
    file.put('#');
  }
  auto reopened = open_journal(dir.path());
  REQUIRE(reopened->notes().size() == 1);
  CHECK(reopened->notes()[0].find("damaged entry") != std::string::npos);
  CHECK(std::filesystem::exists(segment.string() + ".corrupt"));
  const auto recovered = reopened->take_recovered(0);
  REQUIRE_FALSE(recovered.empty());
  CHECK(recovered.size() < 3);
  CHECK(recovered[0].payload == "payload-0");
}

TEST_CASE("a journal directory that cannot be created is a clear error") {
  test::TempDirectory dir;
  { std::ofstream(dir.path() / "file") << "x"; }
  auto opened = FileJournal::open(dir.path() / "file" / "journal", FileJournalSettings{}, 1);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().message.find("journal: cannot create") == 0);
}
