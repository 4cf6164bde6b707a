// What a call to hubd's REST API gave: the JSON body of a 2xx answer, or why
// there is none (docs/protocol.md section 6: errors have one shape).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace edgehub::hubctl {

struct ApiFailure {
  enum class Kind {
    unreachable,  // no HTTP answer (connection refused, timed out)
    http_error,   // a non-2xx answer; code and message from its error body if it had one
    bad_answer,   // a 2xx answer that is not the JSON the protocol describes
  };
  Kind kind = Kind::unreachable;
  int http_status = 0;
  std::string code;     // e.g. "not_found"; empty if the body had none
  std::string message;  // the API's message, or the transport's reason
};

class ApiResult {
 public:
  ApiResult(nlohmann::json body) : state_(std::move(body)) {}    // NOLINT: implicit by design
  ApiResult(ApiFailure failure) : state_(std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return std::holds_alternative<nlohmann::json>(state_); }
  // The answer's JSON (null for 204 No Content).
  const nlohmann::json& body() const { return std::get<nlohmann::json>(state_); }
  const ApiFailure& failure() const { return std::get<ApiFailure>(state_); }

 private:
  std::variant<nlohmann::json, ApiFailure> state_;
};

// One line for stderr, naming the hub URL when it could not be reached.
std::string describe_failure(const ApiFailure& failure, std::string_view hub_url);

}  // namespace edgehub::hubctl
