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

}  // namespace

std::size_t json_nesting_depth(std::string_view text, std::size_t stop_above) noexcept {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    switch (text[i]) {
      case '"':
        i = skip_string(text, i);
        continue;
      case '{':
      case '[':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stop_above) return deepest;
        }
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
    ++i;
  }
  return deepest;
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
  // Per open container: its member count, or npos for an array.
  constexpr std::size_t kArray = static_cast<std::size_t>(-1);
  std::vector<std::size_t> open;
  std::size_t widest = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    switch (text[i]) {
      case '"':
        i = skip_string(text, i);
        continue;
      case '{':
        open.push_back(0);
        break;
      case '[':
        open.push_back(kArray);
        break;
      case '}':
      case ']':
        if (!open.empty()) open.pop_back();
        break;
      case ':':
        if (!open.empty() && open.back() != kArray) widest = std::max(widest, ++open.back());
        break;
      default:
        break;
    }
    ++i;
  }
  return widest;
}

Status check_untrusted_json(std::string_view text) {
  if (Status shallow = check_json_depth(text); !shallow) return shallow;
  if (json_widest_object(text) > kMaxJsonObjectMembers) {
    return make_error(
        ErrorCode::invalid_argument,
        "JSON object with more than " + std::to_string(kMaxJsonObjectMembers) + " members");
  }
  return ok_status();
}

Status check_json_depth(std::string_view text, std::size_t max_depth) {
  if (json_nesting_depth(text, max_depth) <= max_depth) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "JSON nested deeper than " + std::to_string(max_depth) + " levels");
}

std::size_t max_json_depth() noexcept { return process_max_depth.load(std::memory_order_relaxed); }

void set_max_json_depth(std::size_t depth) noexcept {
  process_max_depth.store(std::clamp<std::size_t>(depth, 1, kMaxJsonDepthSetting),
                          std::memory_order_relaxed);
}

Status check_json_depth(std::string_view text) { return check_json_depth(text, max_json_depth()); }

}  // namespace edgehub::protocol
