// Precompiled for every fuzz build object (build_fuzzers.sh): the large
// third-party headers the hub sources include, parsed once instead of once
// per source.
#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
