// hubd --log-format: spdlog writes through JsonLogFormatter.
#include "hubd/log_format.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

using namespace edgehub::hub;

TEST_CASE("a_logger_with_the_json_formatter_writes_one_parsable_object_per_record") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("", sink);
  logger.set_formatter(std::make_unique<JsonLogFormatter>());
  logger.warn("http: {} {} -> {}", "GET", "/x\"y", 404);
  logger.error("store: {}", std::string("bytes \xff\xfe", 8));

  std::istringstream lines(out.str());
  std::string line;
  REQUIRE(std::getline(lines, line));
  const auto first = nlohmann::json::parse(line);
  CHECK(first["level"] == "warning");
  CHECK(first["component"] == "http");
  CHECK(first["message"] == "http: GET /x\"y -> 404");
  REQUIRE(std::getline(lines, line));
  const auto second = nlohmann::json::parse(line);
  CHECK(second["level"] == "error");
  CHECK(second["message"] == "store: bytes \\xFF\\xFE");
  CHECK_FALSE(std::getline(lines, line));
}
