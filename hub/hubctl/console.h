// Where a command writes: results on out, problems on err; json selects the
// API's JSON instead of human-readable text.
#pragma once

#include <ostream>
#include <string>

namespace edgehub::hubctl {

struct Console {
  std::ostream& out;
  std::ostream& err;
  bool json = false;
  std::string hub_url;  // named in "cannot reach the hub at ..." messages
};

}  // namespace edgehub::hubctl
