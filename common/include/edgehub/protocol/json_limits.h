// Limits checked on JSON text from outside (devices, operators) before any
// parser sees it: a scan of the bytes, nothing built, no recursion.
//
// Why: nlohmann's parser is iterative, but dump(), copies, comparisons and
// merge_patch recurse once per level, so 200 KB of '[' (100,000 levels)
// overflows a thread's stack. Refusing deep text before parsing is the only
// place where that is cheap and certain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::protocol {

// Levels of nesting a device or an operator may send (a whole message or
// request body: {"data": {...}} is two levels). Far above any real payload,
// far below any stack.
inline constexpr std::size_t kDefaultMaxJsonDepth = 32;
// The largest value max_json_depth() takes (hubd --max-json-depth).
inline constexpr std::size_t kMaxJsonDepthSetting = 128;
// For JSON already accepted once (stored records, twins, the hub's own
// answers read by hubctl and firmware-sim), which the hub wraps in a few
// more levels: refused only where a recursive dump or copy would be at risk.
inline constexpr std::size_t kReadBackMaxJsonDepth = 256;

// Deepest nesting of objects and arrays in text ("1": 0, "{}": 1, "[[1]]": 2);
// brackets inside strings (escapes respected) do not count. Stops at the
// first level beyond stop_above and returns it, so refusing a huge nest
// costs only the bytes up to the limit. Text that is not JSON gets a number
// too (the parser refuses it afterwards); a stray closing bracket does not
// make the depth negative.
std::size_t json_nesting_depth(std::string_view text, std::size_t stop_above = SIZE_MAX);

// Object members at every level of a JSON text: in valid JSON each ':'
// outside a string belongs to exactly one member.
std::size_t json_member_count(std::string_view text) noexcept;

// Most members in any one object of text. Why: nlohmann's ordered_json (the
// hub keeps a device's key order) looks each new key up linearly, so parsing
// one object of n keys costs n^2 / 2 string comparisons: 25,000 keys in a
// 256 KB payload took 0.9 s. check_untrusted_json measures both in one
// pass, stopping at the depth limit.
std::size_t json_widest_object(std::string_view text);

// Members one object may have in JSON from outside; not configurable: far
// above any real payload, and parsed in about a millisecond.
inline constexpr std::size_t kMaxJsonObjectMembers = 1000;

// ok, or invalid_argument "JSON nested deeper than N levels" / "JSON object
// with more than kMaxJsonObjectMembers members": what every parse of JSON
// from a device or an operator checks first.
Status check_untrusted_json(std::string_view text);

// ok, or invalid_argument "JSON nested deeper than <max_depth> levels".
Status check_json_depth(std::string_view text, std::size_t max_depth);

// The depth limit for untrusted input in this process (default
// kDefaultMaxJsonDepth). hubd sets it once at start (--max-json-depth),
// before any thread parses; values are clamped to 1..kMaxJsonDepthSetting.
std::size_t max_json_depth() noexcept;
void set_max_json_depth(std::size_t depth) noexcept;

// check_json_depth(text, max_json_depth()).
Status check_json_depth(std::string_view text);

}  // namespace edgehub::protocol
