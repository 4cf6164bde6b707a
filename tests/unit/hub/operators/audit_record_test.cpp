#include "operators/audit_record.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace edgehub::hub;

TEST_CASE("is_audited_method_is_every_write_and_no_read") {
  for (const char* write : {"POST", "PUT", "PATCH", "DELETE"}) CHECK(is_audited_method(write));
  for (const char* read : {"GET", "HEAD", "OPTIONS", "post"}) CHECK_FALSE(is_audited_method(read));
}

TEST_CASE("make_audit_record_says_who_what_when_and_the_result") {
  const NewRecord record =
      make_audit_record(AuditEntry{"alice", Role::viewer, "POST", "/api/v1/devices/d1/commands",
                                   "/api/v1/devices/{device}/commands", "d1", 403, 1700000000123});
  CHECK(record.stream == "audit");
  CHECK(record.topic == "audit/alice");
  CHECK(record.received_at_ms == 1700000000123);
  CHECK_FALSE(record.seq);
  const auto payload = nlohmann::json::parse(record.payload);
  CHECK(payload["operator"] == "alice");
  CHECK(payload["role"] == "viewer");
  CHECK(payload["method"] == "POST");
  CHECK(payload["path"] == "/api/v1/devices/d1/commands");
  CHECK(payload["route"] == "/api/v1/devices/{device}/commands");
  CHECK(payload["target"] == "d1");
  CHECK(payload["status"] == 403);
  CHECK(payload["at_ms"] == 1700000000123);
}
