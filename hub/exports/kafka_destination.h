// Exports into Kafka (librdkafka): one message per record on the record's
// topic, key = device id (a device's records stay in one partition, in
// order), its identity in headers; an idempotent producer with acks=all, so
// librdkafka's own retries never duplicate or reorder within a partition.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

// Checks the options (parse_kafka_options) and creates the producer; brokers
// that are down now are not an error (a send then acknowledges nothing
// within ack_timeout_ms), a bad option or an unreadable file is.
// send is called by one thread at a time (the export's runner).
Result<std::unique_ptr<ExportDestination>> make_kafka_destination(const nlohmann::json& options);

}  // namespace edgehub::hub
