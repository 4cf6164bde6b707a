// What a hub database's schema is, in versions: the version the code writes
// and the steps that bring an older file up to it. PRAGMA user_version holds
// a file's version; a file that was just created is version 0.
#pragma once

#include <string>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// One upgrade: the SQL that turns a file at from_version into one at
// to_version (several statements allowed). A step may skip versions: a
// fresh file (version 0) is usually created at the current tables in one
// step, while files written by older code take the steps in between.
struct SchemaStep {
  int from_version = 0;
  int to_version = 0;
  std::string sql;
};

struct DatabaseSchema {
  std::string name;  // what the file is, for messages ("stream store")
  int version = 0;   // what this code writes
  std::vector<SchemaStep> steps;
};

// The steps, in order, from a file at `from_version` to schema.version:
// none if it is there already. conflict if the file is newer than the code
// or no step leads on from one of the versions on the way.
Result<std::vector<const SchemaStep*>> upgrade_path(const DatabaseSchema& schema, int from_version);

}  // namespace edgehub::hub
