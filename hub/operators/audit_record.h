// The `audit` stream: one record for every write an operator sends to the
// REST API (POST, PUT, PATCH, DELETE), allowed or refused, with who sent it,
// what it was, when, and the HTTP status it got (docs/protocol.md 6.1).
// Pure: hubd appends the record (hub_service.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "operators/operator_role.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

inline constexpr std::string_view kAuditStream = "audit";

struct AuditEntry {
  std::string operator_name;
  Role role = Role::none;
  std::string method;  // POST, PUT, PATCH, DELETE
  std::string path;    // as requested, without the query
  std::string route;   // the route template, e.g. /api/v1/devices/{id}/commands; "" if none matched
  std::string target;  // what the path names (a device, stream, route, operator id), "" if none
  int status = 0;
  std::int64_t at_ms = 0;
};

// Whether a request with this method is recorded.
bool is_audited_method(std::string_view method);

// The record: topic "audit/<operator>", no device, payload
// {"operator","role","method","path","route","target","status","at_ms"}.
NewRecord make_audit_record(const AuditEntry& entry);

}  // namespace edgehub::hub
