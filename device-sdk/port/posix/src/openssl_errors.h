// Internal: OpenSSL's error queue as readable text.
#pragma once

#include <string>

namespace edgehub::device::posix::detail {

// Drains this thread's OpenSSL error queue: "reason; reason", or fallback.
std::string take_openssl_errors(const std::string& fallback);

}  // namespace edgehub::device::posix::detail
