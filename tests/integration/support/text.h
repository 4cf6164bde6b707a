// Small text checks for asserting on program output.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace edgehub::itest {

inline std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

inline bool contains_ignoring_case(std::string_view text, std::string_view part) {
  return lowercase(text).find(lowercase(part)) != std::string::npos;
}

}  // namespace edgehub::itest
