// Operator API tokens: 256 random bits as 64 hex digits, kept only as their
// SHA-256 (a stolen operators.db gives no usable token; the token's entropy
// makes a salt or a slow hash unnecessary), compared in constant time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgehub::hub {

using TokenDigest = std::array<std::uint8_t, 32>;

// A new token from the system's CSPRNG; throws std::runtime_error if it
// cannot give one (never expected).
std::string new_operator_token();
// SHA-256 of the token's text.
TokenDigest token_digest(std::string_view token);
// Constant time in the contents.
bool digests_equal(const TokenDigest& a, const TokenDigest& b);

}  // namespace edgehub::hub
