#include "exports/export_identity_headers.h"

namespace edgehub::hub {

std::string export_message_id(const ExportRecord& record) {
  return record.site_id + ":" + record.stream + ":" + std::to_string(record.offset);
}

std::vector<ExportHeader> export_identity_headers(const ExportRecord& record) {
  std::vector<ExportHeader> headers;
  headers.reserve(6);
  headers.emplace_back("Edgehub-Site", record.site_id);
  headers.emplace_back("Edgehub-Stream", record.stream);
  headers.emplace_back("Edgehub-Offset", std::to_string(record.offset));
  headers.emplace_back("Edgehub-Device", record.device_id);
  if (record.seq) headers.emplace_back("Edgehub-Seq", std::to_string(*record.seq));
  headers.emplace_back("Edgehub-Received-At", std::to_string(record.received_at_ms));
  return headers;
}

}  // namespace edgehub::hub
