#include "exports/destination_factory.h"

#include "exports/mqtt_destination.h"

namespace edgehub::hub {

Result<std::unique_ptr<ExportDestination>> make_export_destination(
    const ExportDefinition& definition, const std::string& site_id) {
  const std::string& type = definition.destination_type;
  if (type == "mqtt") {
    return make_mqtt_destination(definition.destination_options, definition.name, site_id);
  }
  // Integrator: at merge with the engines branch, dispatch here
  //   "nats"  -> make_nats_destination(definition.destination_options)   (nats_destination.h)
  //   "kafka" -> make_kafka_destination(definition.destination_options)  (kafka_destination.h)
  // and add them to the list in the message below.
  return make_error(ErrorCode::invalid_argument,
                    "unknown destination type '" + type + "' (this build has: mqtt)");
}

}  // namespace edgehub::hub
