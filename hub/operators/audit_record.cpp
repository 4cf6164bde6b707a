#include "operators/audit_record.h"

#include <nlohmann/json.hpp>

namespace edgehub::hub {

bool is_audited_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

NewRecord make_audit_record(const AuditEntry& entry) {
  NewRecord record;
  record.stream = std::string(kAuditStream);
  record.received_at_ms = entry.at_ms;
  record.topic = "audit/" + entry.operator_name;
  record.payload = nlohmann::ordered_json{
      {"operator", entry.operator_name},
      {"role", role_name(entry.role)},
      {"method", entry.method},
      {"path", entry.path},
      {"route", entry.route},
      {"target", entry.target},
      {"status", entry.status},
      {"at_ms",
       entry.at_ms}}.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return record;
}

}  // namespace edgehub::hub
