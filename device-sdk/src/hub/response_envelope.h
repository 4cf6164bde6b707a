// Internal: the parts of a command response around its payload, shared by
// build_command_response() and HubClient, which lets the application write the
// payload in place and adds the envelope around it afterwards.
#pragma once

#include <cstddef>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub::detail {

// Longest prefix: {"id":"<64>","status":NNN,"payload":
inline constexpr std::size_t kResponsePrefixMax = 96;
inline constexpr std::string_view kResponseSuffix = "}";

bool is_valid_response_status(int status) noexcept;

// Writes {"id":"<id>","status":<status>,"payload": into out (capacity >=
// kResponsePrefixMax) and returns its length, or 0 for an invalid id/status.
std::size_t write_response_prefix(std::string_view id, int status, char* out,
                                  std::size_t capacity) noexcept;

}  // namespace edgehub::device::hub::detail
