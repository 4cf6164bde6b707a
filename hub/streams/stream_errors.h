// Error messages shared by the StreamStore implementations.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline Error stream_not_found(std::string_view stream) {
  return make_error(ErrorCode::not_found, "stream '" + std::string(stream) + "' does not exist");
}

}  // namespace edgehub::hub
