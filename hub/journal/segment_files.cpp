#include "journal/segment_files.h"

#include <string>
#include <system_error>

namespace edgehub::hub {
namespace {

constexpr const char* kSegmentSuffix = ".journal";
constexpr std::size_t kSequenceDigits = 20;

}  // namespace

std::string segment_file_name(std::uint64_t first_sequence) {
  std::string digits = std::to_string(first_sequence);
  digits.insert(0, kSequenceDigits - digits.size(), '0');
  return digits + kSegmentSuffix;
}

std::filesystem::path segment_file(const std::filesystem::path& dir, std::uint64_t first_sequence) {
  return dir / segment_file_name(first_sequence);
}

std::optional<std::uint64_t> first_sequence_of(const std::filesystem::path& file) {
  if (file.extension() != kSegmentSuffix) return std::nullopt;
  const std::string stem = file.stem().string();
  if (stem.size() != kSequenceDigits) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : stem) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

Result<std::map<std::uint64_t, std::filesystem::path>> list_segments(
    const std::filesystem::path& dir) {
  std::map<std::uint64_t, std::filesystem::path> segments;
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(dir, error)) {
    if (auto first = first_sequence_of(item.path())) segments.emplace(*first, item.path());
  }
  if (error) {
    return make_error(ErrorCode::internal,
                      "journal: cannot list '" + dir.string() + "': " + error.message());
  }
  return segments;
}

}  // namespace edgehub::hub
