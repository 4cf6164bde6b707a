// Where hubctl gets the API token from. The first that is given wins:
// --token, --data-dir DIR (DIR/api-token), HUBCTL_TOKEN, ./hub-data/api-token.
#pragma once

#include <optional>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

inline constexpr const char* kDefaultDataDirectory = "./hub-data";

struct ApiTokenSources {
  std::optional<std::string> token_option;    // --token
  std::optional<std::string> data_directory;  // --data-dir
  std::optional<std::string> token_variable;  // HUBCTL_TOKEN
};

// The token, surrounding whitespace removed; invalid_argument naming the file
// and what to do when it cannot be read or is empty.
Result<std::string> resolve_api_token(const ApiTokenSources& sources);

}  // namespace edgehub::hubctl
