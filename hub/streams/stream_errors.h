// Error messages shared by the StreamStore implementations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline Error stream_not_found(std::string_view stream) {
  return make_error(ErrorCode::not_found, "stream '" + std::string(stream) + "' does not exist");
}

inline Error stream_exists(std::string_view stream) {
  return make_error(ErrorCode::conflict, "stream '" + std::string(stream) + "' exists already");
}

// The reject policy's answer: callers recognise it by ErrorCode::unavailable.
inline Error stream_full(std::string_view stream) {
  return make_error(ErrorCode::unavailable,
                    "stream '" + std::string(stream) +
                        "' is full and its policy is reject (records refused, nothing stored)");
}

// A delete-oldest stream whose room is held by a cursor (an export that has
// not sent its records yet): refused like a full reject stream, never
// deleting what the export still has to send.
inline Error stream_held(std::string_view stream, std::uint64_t floor) {
  return make_error(ErrorCode::unavailable,
                    "stream '" + std::string(stream) +
                        "' is full and its oldest records from offset " + std::to_string(floor) +
                        " are not exported yet (records refused, nothing stored)");
}

inline Error cursor_not_found(std::string_view name) {
  return make_error(ErrorCode::not_found, "export '" + std::string(name) + "' does not exist");
}

inline Error cursor_exists(std::string_view name) {
  return make_error(ErrorCode::conflict, "export '" + std::string(name) + "' exists already");
}

inline Error record_over_stream_size(std::string_view stream, std::uint64_t payload_bytes,
                                     std::uint64_t max_bytes) {
  return make_error(ErrorCode::too_large, "payload of " + std::to_string(payload_bytes) +
                                              " bytes can never fit stream '" +
                                              std::string(stream) + "' (max_bytes " +
                                              std::to_string(max_bytes) + ")");
}

inline Error offset_beyond_end(std::uint64_t offset, std::uint64_t next_offset) {
  return make_error(ErrorCode::invalid_argument, "offset " + std::to_string(offset) +
                                                     " is beyond the stream's next offset " +
                                                     std::to_string(next_offset));
}

}  // namespace edgehub::hub
