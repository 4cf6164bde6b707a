// Names of journal segment files: <dir>/<first sequence, 20 digits>.journal.
// Shared by hubd's own journal (file_journal.h), the broker plugin's writer
// (broker_journal_writer.h) and hubd's reader of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// "00000000000000000042.journal" for 42: names sort in sequence order.
std::string segment_file_name(std::uint64_t first_sequence);
std::filesystem::path segment_file(const std::filesystem::path& dir, std::uint64_t first_sequence);

// The first sequence a segment's name says it holds, or nothing (not a segment).
std::optional<std::uint64_t> first_sequence_of(const std::filesystem::path& file);

// The segments in dir by first sequence.
Result<std::map<std::uint64_t, std::filesystem::path>> list_segments(
    const std::filesystem::path& dir);

}  // namespace edgehub::hub
