// libFuzzer target: an ingest journal segment as hubd finds it when it starts
// (torn by a crash, damaged on disk, or written by an older hubd). The first
// input byte is a flag; the rest are the segment's bytes. With bit 0 set,
// every frame's checksum is recomputed first, so that the fuzzer reaches
// what lies behind the checksum (sizes, topic, payload). The bytes go
// through decode_journal_entry frame by frame, then into a directory as the
// only segment: FileJournal::open, recovery, and the recovered entries into
// TelemetryIngestor::ingest_batch as hubd's GroupCommit::recover does;
// then the journal takes a new entry.
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_input.h"
#include "ingest/telemetry_ingestor.h"
#include "journal/file_journal.h"
#include "journal/journal_codec.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

std::uint32_t read_le32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

void fix_checksums(std::string& bytes) {
  std::size_t at = 0;
  while (bytes.size() - at >= kJournalFrameHeaderBytes) {
    const std::uint32_t body_size = read_le32(bytes, at);
    if (body_size > bytes.size() - at - kJournalFrameHeaderBytes) return;
    const auto* body = reinterpret_cast<const Bytef*>(bytes.data() + at + kJournalFrameHeaderBytes);
    const auto sum = static_cast<std::uint32_t>(crc32(0L, body, body_size));
    for (std::size_t i = 0; i < 4; ++i)
      bytes[at + 4 + i] = static_cast<char>((sum >> (8 * i)) & 0xffu);
    at += kJournalFrameHeaderBytes + body_size;
  }
}

const std::filesystem::path& journal_directory() {
  static const std::filesystem::path directory = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "edgehub-journal-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(journal_directory(), ignored);
    });
    return std::filesystem::path(pattern);
  }();
  return directory;
}

void clear_directory(const std::filesystem::path& directory) {
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    std::filesystem::remove_all(entry.path());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string bytes(fuzz::as_text(data + 1, size - 1));
  if ((data[0] & 1u) != 0) fix_checksums(bytes);

  std::string_view rest = bytes;
  JournalEntry entry;
  for (DecodedFrame frame = decode_journal_entry(rest, entry);
       frame.status == FrameStatus::complete; frame = decode_journal_entry(rest, entry)) {
    rest.remove_prefix(frame.size);
  }

  const std::filesystem::path& directory = journal_directory();
  clear_directory(directory);
  {
    std::ofstream segment(directory / "00000000000000000001.journal", std::ios::binary);
    segment.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto journal = FileJournal::open(directory, FileJournalSettings{64 * 1024}, 1);
  if (journal) {
    const std::vector<JournalEntry> recovered = (*journal)->take_recovered(0);
    MemoryStreamStore store;
    TelemetryIngestor ingestor(store, IngestLimits{});
    if (!recovered.empty()) {
      (void)ingestor.ingest_batch(recovered, SourcePosition{"journal", recovered.back().sequence});
      (*journal)->release(recovered.back().sequence);
    }
    JournalEntry next{0, 5, "devices/fuzz-1/telemetry", R"({"seq":1,"data":1})"};
    (void)(*journal)->append(next);
  }
  clear_directory(directory);
  return 0;
}
