#include "hubctl/exit_codes.h"

#include <doctest/doctest.h>

using namespace edgehub::hubctl;

namespace {
ApiFailure http(int status) { return ApiFailure{ApiFailure::Kind::http_error, status, "", ""}; }
}  // namespace

TEST_CASE("a device's 2xx answer exits 0, any other status exits 1") {
  CHECK(to_int(exit_code_for_device_status(200)) == 0);
  CHECK(to_int(exit_code_for_device_status(204)) == 0);
  CHECK(to_int(exit_code_for_device_status(299)) == 0);
  CHECK(to_int(exit_code_for_device_status(199)) == 1);
  CHECK(to_int(exit_code_for_device_status(400)) == 1);
  CHECK(to_int(exit_code_for_device_status(404)) == 1);
  CHECK(to_int(exit_code_for_device_status(500)) == 1);
}

TEST_CASE("API failures map to the documented exit codes") {
  CHECK(to_int(exit_code_for(http(404))) == 3);
  CHECK(to_int(exit_code_for(http(504))) == 4);
  CHECK(to_int(exit_code_for(http(400))) == 2);
  CHECK(to_int(exit_code_for(http(409))) == 6);
  CHECK(to_int(exit_code_for(http(401))) == 7);
  CHECK(to_int(exit_code_for(http(403))) == 7);
  for (int status : {413, 500, 503}) {
    CAPTURE(status);
    CHECK(to_int(exit_code_for(http(status))) == 5);
  }
  CHECK(to_int(exit_code_for(ApiFailure{ApiFailure::Kind::unreachable, 0, "", "refused"})) == 5);
  CHECK(to_int(exit_code_for(ApiFailure{ApiFailure::Kind::bad_answer, 200, "", "x"})) == 5);
}

TEST_CASE("the help text lists every exit code") {
  const std::string help = exit_codes_help();
  for (const char* line : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  ", "  6  ", "  7  "}) {
    CAPTURE(line);
    CHECK(help.find(line) != std::string::npos);
  }
}
