// OpenSSL reports failures on a thread-local error queue; these turn it into
// exception text (and empty the queue, so that old errors never leak into a
// later message).
#pragma once

#include <string>
#include <string_view>

namespace edgehub::hub::openssl {

// The queued OpenSSL errors as one line ("" if none); empties the queue.
std::string take_errors();

// Throws std::runtime_error("<what>: <queued OpenSSL errors>").
[[noreturn]] void throw_failure(std::string_view what);

}  // namespace edgehub::hub::openssl
