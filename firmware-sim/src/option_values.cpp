#include "option_values.h"

#include <charconv>
#include <limits>

namespace edgehub::sim {

std::optional<std::uint64_t> parse_duration_ms(std::string_view text) {
  std::uint64_t number = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(begin, end, number);
  if (error != std::errc() || rest == begin) return std::nullopt;
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1'000;
  } else if (unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else {
    return std::nullopt;
  }
  if (number > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
  return number * factor;
}

std::optional<MillisecondRange> parse_millisecond_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    const auto fixed = parse_duration_ms(text);
    if (!fixed) return std::nullopt;
    return MillisecondRange{*fixed, *fixed};
  }
  const auto low = parse_duration_ms(text.substr(0, dash));
  const auto high = parse_duration_ms(text.substr(dash + 1));
  if (!low || !high || *low > *high) return std::nullopt;
  return MillisecondRange{*low, *high};
}

std::string describe(const MillisecondRange& range) {
  if (range.min_ms == range.max_ms) return std::to_string(range.min_ms) + " ms";
  return std::to_string(range.min_ms) + "-" + std::to_string(range.max_ms) + " ms";
}

std::optional<std::uint32_t> parse_rate_per_second(std::string_view text) {
  if (text.ends_with("/s")) text.remove_suffix(2);
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::uint32_t value = 0;
  for (const char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(digit - '0');
  }
  return value;
}

}  // namespace edgehub::sim
