#include "sqlite/database_schema.h"

#include <string>

namespace edgehub::hub {

Result<std::vector<const SchemaStep*>> upgrade_path(const DatabaseSchema& schema,
                                                    int from_version) {
  if (from_version > schema.version) {
    return make_error(ErrorCode::conflict,
                      "schema version " + std::to_string(from_version) +
                          " is newer than this program's " + std::to_string(schema.version) +
                          " (written by a later release; going back is not supported)");
  }
  std::vector<const SchemaStep*> path;
  int at = from_version;
  while (at < schema.version) {
    const SchemaStep* next = nullptr;
    for (const SchemaStep& step : schema.steps) {
      // Only forward, and never past the code's own version.
      if (step.from_version == at && step.to_version > at && step.to_version <= schema.version) {
        next = &step;
        break;
      }
    }
    if (next == nullptr) {
      return make_error(ErrorCode::conflict, "schema version " + std::to_string(from_version) +
                                                 " cannot be upgraded: no step from version " +
                                                 std::to_string(at) + " to a later one up to " +
                                                 std::to_string(schema.version));
    }
    path.push_back(next);
    at = next->to_version;
  }
  return path;
}

}  // namespace edgehub::hub
