// libFuzzer target: a route's condition and projection, as an operator gives
// them (POST /routes, POST /routes/test), evaluated on a message's data as
// ingest does. The input is condition NUL projection NUL data:
// RouteTable::test (length limits, route_expression_rewrite.cpp, compiling
// by SQLite with what is refused, one evaluation with the device's
// attributes) on the data, and on a fixed message. Evaluations are cut off
// after a bounded amount of work (route_expression.h), so a slow input is a
// finding too (libFuzzer's -timeout).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_input.h"
#include "routing/route_table.h"

using namespace edgehub;
using namespace edgehub::hub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<RouteStore> store = make_memory_route_store();
  static RouteTable table(*store, [](std::string_view) {
    return std::string(R"({"room":"cellar","tags":["a","b"],"floor":2})");
  });
  const auto parts = fuzz::split_parts(fuzz::as_text(data, size), 3);
  const RouteDefinition route{"fuzz", std::string(parts[0]), std::string(parts[1]), "out", 0};
  (void)table.test(route, "boiler-1", 7, parts[2]);
  (void)table.test(route, "boiler-1", 8, R"({"t":35,"a":{"b":[1,"x",null]},"s":"\u00e9\n"})");
  return 0;
}
