// How raw bytes are shown in JSON: as text when they are UTF-8, else base64.
#pragma once

#include <string>
#include <string_view>

namespace edgehub::hub {

// Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

// RFC 4648 base64 with padding.
std::string base64_encode(std::string_view bytes);

}  // namespace edgehub::hub
