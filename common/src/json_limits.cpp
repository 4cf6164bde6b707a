#include "edgehub/protocol/json_limits.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

namespace edgehub::protocol {
namespace {

std::atomic<std::size_t> process_max_depth{kDefaultMaxJsonDepth};

// Index of the byte after the string whose opening quote is at text[open]
// (text.size() when it never closes).
std::size_t skip_string(std::string_view text, std::size_t open) noexcept {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;  // the escaped byte, even when it is '"'
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

struct JsonShape {
  std::size_t deepest = 0;  // nesting of objects and arrays
  std::size_t widest = 0;   // most members in one object
};

// One scan for both measures. Stops at the first level beyond stop_above,
// so that refusing a huge nest costs only the bytes up to the limit and the
// stack (one counter per open container) stays that small.
JsonShape scan_json_shape(std::string_view text, std::size_t stop_above) {
  // Per open container: its member count, or kArray.
  constexpr std::size_t kArray = static_cast<std::size_t>(-1);
  std::vector<std::size_t> open;
  JsonShape shape;
  std::size_t i = 0;
  while (i < text.size()) {
    switch (text[i]) {
      case '"':
        i = skip_string(text, i);
        continue;
      case '{':
      case '[':
        open.push_back(text[i] == '{' ? 0 : kArray);
        if (open.size() > shape.deepest) {
          shape.deepest = open.size();
          if (shape.deepest > stop_above) return shape;
        }
        break;
      case '}':
      case ']':
        if (!open.empty()) open.pop_back();
        break;
      case ':':
        if (!open.empty() && open.back() != kArray) {
          shape.widest = std::max(shape.widest, ++open.back());
        }
        break;
      default:
        break;
    }
    ++i;
  }
  return shape;
}

Error depth_error(std::size_t max_depth) {
  return make_error(ErrorCode::invalid_argument,
                    "JSON nested deeper than " + std::to_string(max_depth) + " levels");
}

}  // namespace

std::size_t json_nesting_depth(std::string_view text, std::size_t stop_above) {
  return scan_json_shape(text, stop_above).deepest;
}

std::size_t json_member_count(std::string_view text) noexcept {
  std::size_t members = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      i = skip_string(text, i);
      continue;
    }
    if (text[i] == ':') ++members;
    ++i;
  }
  return members;
}

std::size_t json_widest_object(std::string_view text) {
  return scan_json_shape(text, SIZE_MAX).widest;
}

Status check_untrusted_json(std::string_view text) {
  // One pass for both limits: this runs on every message from outside.
  const std::size_t max_depth = max_json_depth();
  const JsonShape shape = scan_json_shape(text, max_depth);
  if (shape.deepest > max_depth) return depth_error(max_depth);
  if (shape.widest > kMaxJsonObjectMembers) {
    return make_error(
        ErrorCode::invalid_argument,
        "JSON object with more than " + std::to_string(kMaxJsonObjectMembers) + " members");
  }
  return ok_status();
}

Status check_json_depth(std::string_view text, std::size_t max_depth) {
  if (json_nesting_depth(text, max_depth) <= max_depth) return ok_status();
  return depth_error(max_depth);
}

std::size_t max_json_depth() noexcept { return process_max_depth.load(std::memory_order_relaxed); }

void set_max_json_depth(std::size_t depth) noexcept {
  process_max_depth.store(std::clamp<std::size_t>(depth, 1, kMaxJsonDepthSetting),
                          std::memory_order_relaxed);
}

Status check_json_depth(std::string_view text) { return check_json_depth(text, max_json_depth()); }

}  // namespace edgehub::protocol
