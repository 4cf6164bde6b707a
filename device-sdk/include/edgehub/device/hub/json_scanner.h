// A minimal JSON scanner for small devices: validates and walks JSON text in
// place, without building a tree and without allocating. Values are returned
// as views of their raw text, so a caller can pass a command's "payload" on
// as is, or look inside it with the same functions.
//
// Text that is not JSON (RFC 8259) gives Status::malformed, never a crash:
// every read is bounds-checked and nesting deeper than
// EDGEHUB_DEVICE_JSON_MAX_DEPTH is refused (the scanner recurses per level).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::json {

// ok if text is exactly one JSON value with optional whitespace around it.
Status validate(std::string_view text) noexcept;

// Walks the members of an object, checking the syntax as it goes.
class ObjectReader {
 public:
  explicit ObjectReader(std::string_view object_text) noexcept : text_(object_text) {}

  // ok: *key is the member name as written between its quotes (escapes not
  // decoded; compare with string_equals) and *value the raw text of its value.
  // not_found: no more members. malformed: not an object, or broken JSON.
  Status next(std::string_view* key, std::string_view* value) noexcept;

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  bool started_ = false;
  bool finished_ = false;
};

// Compares the raw content of a JSON string (between the quotes, escapes not
// decoded) with ASCII text, decoding escapes on the way: "a\u0062" equals "ab".
bool string_equals(std::string_view raw, std::string_view text) noexcept;

// The raw value of the member named key in an object: ok, not_found, or
// malformed (not valid JSON, not an object, the member given twice).
Status find_member(std::string_view object_text, std::string_view key,
                   std::string_view* value) noexcept;

// Reads the members named names[0..count) (count <= 32) of the JSON object
// `message` into values[i] (the raw value text; empty when absent). Other
// members are ignored. ok, or malformed: not valid JSON (values all empty),
// not an object, or a member given more than once (its value is then empty,
// the others are read).
Status read_members(std::string_view message, const std::string_view* names, unsigned count,
                    std::string_view* values) noexcept;

// True if text is one valid JSON object (whitespace around it allowed).
bool is_object(std::string_view text) noexcept;

// Decodes a JSON string value (with its quotes) into out as UTF-8, not
// NUL-terminated: ok, malformed (not a string, bad escape, lone surrogate) or
// buffer_too_small.
Status read_string(std::string_view value, char* out, std::size_t capacity,
                   std::size_t* length) noexcept;

// A JSON number that is a non-negative integer without fraction or exponent
// and fits 64 bits: ok; malformed otherwise (including "-1", "1.5", "1e3").
Status read_uint64(std::string_view value, std::uint64_t* out) noexcept;

}  // namespace edgehub::device::json
