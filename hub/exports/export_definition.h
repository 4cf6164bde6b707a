// What an operator defines when adding an export (hubctl exports add, POST
// /api/v1/exports): which stream goes where, in which batches, and what
// retention may do with records the export has not sent. Parsed and checked
// here (pure); stored as JSON text with the export's position
// (StreamCursor::definition), so that both change in one transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

enum class OnRetention {
  keep,           // retention does not delete records this export has not sent
  delete_oldest,  // it may: the export skips them, counted and reported
};

const char* to_string(OnRetention on_retention) noexcept;

struct ExportDefinition {
  std::string name;
  std::string stream;
  std::string destination_type;  // "mqtt", "nats", "kafka"
  nlohmann::json destination_options = nlohmann::json::object();
  std::size_t batch_size = 500;
  // How long a short batch waits for more records before it is sent.
  std::int64_t linger_ms = 0;
  bool paused = false;
  OnRetention on_retention = OnRetention::keep;

  // Whether the stream's retention must keep what this export has not sent.
  bool holds_retention() const { return on_retention == OnRetention::keep; }
};

inline constexpr std::size_t kMaxExportBatch = 10000;
inline constexpr std::int64_t kMaxExportLingerMs = 60000;

// Where a new export starts: the oldest retained record (default), the next
// record appended, or an offset.
struct ExportStart {
  enum class Kind { earliest, latest, offset } kind = Kind::earliest;
  std::uint64_t offset = 0;
};

// The definition in an add request: {"name", "stream", "destination": {"type",
// "options": {...}}, "batch_size"?, "linger_ms"?, "paused"?, "on_retention"?
// ("keep" | "delete_oldest")}. invalid_argument naming the field. The
// destination's options are checked by its factory, not here.
Result<ExportDefinition> parse_export_definition(const nlohmann::json& request);
// "start": "earliest" | "latest" | an offset; absent: earliest.
Result<ExportStart> parse_export_start(const nlohmann::json& request);

// The stored form, read back by parse_export_definition.
nlohmann::json export_definition_json(const ExportDefinition& definition);

}  // namespace edgehub::hub
