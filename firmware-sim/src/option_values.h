// Option values written as text: durations ("500ms", "30s", "2m", "1h", or a
// bare number of milliseconds) and millisecond ranges ("200" or "100-800").
// Pure parsing, so that the command line and its tests agree on one grammar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::sim {

// [min_ms, max_ms], both inclusive; min_ms == max_ms is a fixed value.
struct MillisecondRange {
  std::uint64_t min_ms = 0;
  std::uint64_t max_ms = 0;
  bool operator==(const MillisecondRange&) const = default;
};

// "1500" (ms), "500ms", "30s", "2m", "1h"; nothing for anything else
// (empty, negative, fractions, unknown units, overflow).
std::optional<std::uint64_t> parse_duration_ms(std::string_view text);

// "200" (fixed) or "100-800" (uniform in the range), each end a duration as
// above; nothing when malformed or when min > max.
std::optional<MillisecondRange> parse_millisecond_range(std::string_view text);

// A rate per second: "500/s" or "500"; 0 = unlimited. Nothing when malformed.
std::optional<std::uint32_t> parse_rate_per_second(std::string_view text);

// "250 ms" or "100-800 ms", for logs.
std::string describe(const MillisecondRange& range);

}  // namespace edgehub::sim
