#include "api/api_response.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("every error code has the HTTP status of the protocol's table") {
  CHECK(http_status_for(ErrorCode::invalid_argument) == 400);
  CHECK(http_status_for(ErrorCode::not_found) == 404);
  CHECK(http_status_for(ErrorCode::conflict) == 409);
  CHECK(http_status_for(ErrorCode::too_large) == 413);
  CHECK(http_status_for(ErrorCode::internal) == 500);
  CHECK(http_status_for(ErrorCode::unavailable) == 503);
  CHECK(http_status_for(ErrorCode::timeout) == 504);
}

TEST_CASE("an error answer has one shape: code and message") {
  const auto response =
      error_response(make_error(ErrorCode::not_found, "device 'x' is not registered"));
  CHECK(response.status == 404);
  const auto body = nlohmann::json::parse(response.body);
  CHECK(body ==
        nlohmann::json{
            {"error", {{"code", "not_found"}, {"message", "device 'x' is not registered"}}}});
}

TEST_CASE("a missing token is 401 unauthorized") {
  const auto response = unauthorized_response();
  CHECK(response.status == 401);
  CHECK(nlohmann::json::parse(response.body)["error"]["code"] == "unauthorized");
}

TEST_CASE("a message with invalid UTF-8 still gives a JSON answer") {
  const auto response =
      error_response(make_error(ErrorCode::not_found, "device '\xff' is not registered"));
  CHECK(response.status == 404);
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  CHECK_FALSE(body.is_discarded());
  CHECK(body["error"]["code"] == "not_found");
}
