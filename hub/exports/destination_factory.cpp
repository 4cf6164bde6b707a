#include "exports/destination_factory.h"

#include "exports/kafka_destination.h"
#include "exports/mqtt_destination.h"
#include "exports/nats_destination.h"

namespace edgehub::hub {

Result<std::unique_ptr<ExportDestination>> make_export_destination(
    const ExportDefinition& definition, const std::string& site_id) {
  const std::string& type = definition.destination_type;
  if (type == "mqtt") {
    return make_mqtt_destination(definition.destination_options, definition.name, site_id);
  }
  // The record carries the site id (ExportRecord::site_id): the engines
  // need no copy of it.
  if (type == "nats") return make_nats_destination(definition.destination_options);
  if (type == "kafka") return make_kafka_destination(definition.destination_options);
  return make_error(ErrorCode::invalid_argument,
                    "unknown destination type '" + type + "' (known: mqtt, nats, kafka)");
}

}  // namespace edgehub::hub
