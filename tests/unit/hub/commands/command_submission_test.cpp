// The checks of a command request that need nothing but the request, and the
// record a new command starts its life with.
#include "commands/command_submission.h"

#include <doctest/doctest.h>

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

CommandSubmission ping() {
  CommandSubmission submission;
  submission.device_id = "boiler-1";
  submission.name = "ping";
  return submission;
}

ErrorCode refusal(const CommandSubmission& submission, std::size_t max_payload_bytes = 1024) {
  auto valid = validate_submission(submission, max_payload_bytes);
  REQUIRE_FALSE(valid.ok());
  return valid.error().code;
}

}  // namespace

TEST_CASE("a valid submission comes back with its payload canonical; none is null") {
  CommandSubmission submission = ping();
  submission.payload_json = R"({ "interval_ms" : 500 })";
  auto valid = validate_submission(submission, 1024);
  REQUIRE(valid.ok());
  CHECK(valid->payload_json == R"({"interval_ms":500})");
  CHECK(valid->name == "ping");
  CHECK(valid->device_id == "boiler-1");

  submission.payload_json.clear();
  valid = validate_submission(submission, 1024);
  REQUIRE(valid.ok());
  CHECK(valid->payload_json == "null");
}

TEST_CASE("names, ids, timeouts and payloads out of bounds are invalid") {
  CommandSubmission bad = ping();
  bad.name = "re boot";
  CHECK(refusal(bad) == ErrorCode::invalid_argument);
  bad = ping();
  bad.id = "op/1";
  CHECK(refusal(bad) == ErrorCode::invalid_argument);
  bad = ping();
  bad.timeout = 0ms;
  CHECK(refusal(bad) == ErrorCode::invalid_argument);
  bad.timeout = kMaxCommandTimeout + 1ms;
  CHECK(refusal(bad) == ErrorCode::invalid_argument);
  bad = ping();
  bad.payload_json = "{nope";
  CHECK(refusal(bad) == ErrorCode::invalid_argument);
  bad.payload_json = std::string(40, '[') + std::string(40, ']');
  CHECK(refusal(bad) == ErrorCode::invalid_argument);

  CommandSubmission edge = ping();
  edge.timeout = kMaxCommandTimeout;
  edge.id = "op-1";
  CHECK(validate_submission(edge, 1024).ok());
}

TEST_CASE("the ttl counts only for a queued command") {
  CommandSubmission submission = ping();
  submission.ttl = 0ms;
  CHECK(validate_submission(submission, 1024).ok());
  submission.queue = true;
  CHECK(refusal(submission) == ErrorCode::invalid_argument);
  submission.ttl = kMaxQueueTtl + 1ms;
  CHECK(refusal(submission) == ErrorCode::invalid_argument);
  submission.ttl = kMaxQueueTtl;
  CHECK(validate_submission(submission, 1024).ok());
}

TEST_CASE("the payload limit applies to the canonical text, exactly") {
  CommandSubmission submission = ping();
  submission.payload_json = R"(  "12345678"  )";  // canonical: 10 bytes
  CHECK(validate_submission(submission, 10).ok());
  auto refused = validate_submission(submission, 9);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::too_large);
  CHECK(refused.error().message == "command payload too large: 10 bytes > 9");
}

TEST_CASE("commands go to enabled devices, never to the hub's service identity") {
  DeviceRecord device;
  device.id = "boiler-1";
  CHECK(check_command_target(device).ok());
  device.status = DeviceStatus::disabled;
  CHECK(check_command_target(device).error().code == ErrorCode::conflict);
  DeviceRecord hub_service;
  hub_service.id = "hubd";
  hub_service.role = DeviceRole::service;
  CHECK(check_command_target(hub_service).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("a new command is queued and expires after its ttl if queued, its timeout if awaited") {
  CommandSubmission submission = ping();
  submission.payload_json = "7";
  submission.timeout = 5s;
  submission.ttl = 60s;
  submission.job_id = "j-1";
  const CommandRecord awaited = new_command_record(submission, "c-1", "boiler-1", 1000);
  CHECK(awaited.id == "c-1");
  CHECK(awaited.device_id == "boiler-1");
  CHECK(awaited.name == "ping");
  CHECK(awaited.payload_json == "7");
  CHECK(awaited.state == CommandState::queued);
  CHECK(awaited.timeout_ms == 5000);
  CHECK_FALSE(awaited.queued_by_operator);
  CHECK(awaited.created_at_ms == 1000);
  CHECK(awaited.expires_at_ms == 6000);
  CHECK(awaited.job_id == "j-1");
  CHECK_FALSE(awaited.sent_at_ms.has_value());

  submission.queue = true;
  const CommandRecord queued = new_command_record(submission, "c-2", "boiler-1", 1000);
  CHECK(queued.queued_by_operator);
  CHECK(queued.expires_at_ms == 61000);
}
