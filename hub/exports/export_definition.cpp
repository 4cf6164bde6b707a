#include "exports/export_definition.h"

namespace edgehub::hub {
namespace {

Error invalid(const std::string& message) {
  return make_error(ErrorCode::invalid_argument, message);
}

Result<std::string> text_field(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string() || found->get<std::string>().empty()) {
    return invalid(std::string("'") + name + "' (a non-empty string) is needed");
  }
  return found->get<std::string>();
}

// An optional non-negative integer field within [0, max].
Result<std::optional<std::uint64_t>> count_field(const nlohmann::json& object, const char* name,
                                                 std::uint64_t min, std::uint64_t max) {
  const auto found = object.find(name);
  if (found == object.end()) return std::optional<std::uint64_t>();
  const bool whole = found->is_number_unsigned() ||
                     (found->is_number_integer() && found->get<std::int64_t>() >= 0);
  if (!whole || found->get<std::uint64_t>() < min || found->get<std::uint64_t>() > max) {
    return invalid(std::string("'") + name + "' must be an integer from " + std::to_string(min) +
                   " to " + std::to_string(max));
  }
  return std::optional<std::uint64_t>(found->get<std::uint64_t>());
}

}  // namespace

const char* to_string(OnRetention on_retention) noexcept {
  return on_retention == OnRetention::keep ? "keep" : "delete_oldest";
}

Result<ExportDefinition> parse_export_definition(const nlohmann::json& request) {
  if (!request.is_object()) return invalid("an export is a JSON object");
  ExportDefinition definition;
  auto name = text_field(request, "name");
  if (!name) return name.error();
  definition.name = *name;
  auto stream = text_field(request, "stream");
  if (!stream) return stream.error();
  definition.stream = *stream;

  const auto destination = request.find("destination");
  if (destination == request.end() || !destination->is_object()) {
    return invalid(
        "'destination' ({\"type\": \"mqtt\" | \"nats\" | \"kafka\", \"options\": {...}}) "
        "is needed");
  }
  auto type = text_field(*destination, "type");
  if (!type) return type.error();
  definition.destination_type = *type;
  if (const auto options = destination->find("options"); options != destination->end()) {
    if (!options->is_object()) return invalid("'destination.options' must be an object");
    definition.destination_options = *options;
  }

  auto batch = count_field(request, "batch_size", 1, kMaxExportBatch);
  if (!batch) return batch.error();
  if (*batch) definition.batch_size = static_cast<std::size_t>(**batch);
  auto linger = count_field(request, "linger_ms", 0, kMaxExportLingerMs);
  if (!linger) return linger.error();
  if (*linger) definition.linger_ms = static_cast<std::int64_t>(**linger);

  if (const auto paused = request.find("paused"); paused != request.end()) {
    if (!paused->is_boolean()) return invalid("'paused' must be true or false");
    definition.paused = paused->get<bool>();
  }
  if (const auto on = request.find("on_retention"); on != request.end()) {
    if (on->is_string() && on->get<std::string>() == "keep") {
      definition.on_retention = OnRetention::keep;
    } else if (on->is_string() && on->get<std::string>() == "delete_oldest") {
      definition.on_retention = OnRetention::delete_oldest;
    } else {
      return invalid("'on_retention' must be \"keep\" or \"delete_oldest\"");
    }
  }
  return definition;
}

Result<ExportStart> parse_export_start(const nlohmann::json& request) {
  const auto start = request.find("start");
  if (start == request.end()) return ExportStart{};
  if (start->is_string() && start->get<std::string>() == "earliest") return ExportStart{};
  if (start->is_string() && start->get<std::string>() == "latest") {
    return ExportStart{ExportStart::Kind::latest, 0};
  }
  if (start->is_number_unsigned() ||
      (start->is_number_integer() && start->get<std::int64_t>() >= 0)) {
    return ExportStart{ExportStart::Kind::offset, start->get<std::uint64_t>()};
  }
  return invalid("'start' must be \"earliest\", \"latest\" or an offset");
}

nlohmann::json export_definition_json(const ExportDefinition& definition) {
  return nlohmann::json{
      {"name", definition.name},
      {"stream", definition.stream},
      {"destination",
       {{"type", definition.destination_type}, {"options", definition.destination_options}}},
      {"batch_size", definition.batch_size},
      {"linger_ms", definition.linger_ms},
      {"paused", definition.paused},
      {"on_retention", to_string(definition.on_retention)}};
}

}  // namespace edgehub::hub
