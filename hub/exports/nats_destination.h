// Exports into NATS JetStream (libnats): one message per record on the
// record's subject, its identity in headers and Nats-Msg-Id
// "<site>:<stream>:<offset>", so that the stream's duplicate window drops
// what a retry or a hub restart sends again.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

// Checks the options (parse_nats_options), loads the TLS files and the
// credentials, and starts connecting in the background: a server that is
// down now is not an error (send says {0, "not connected ..."} until libnats
// has reconnected), a missing certificate file or a bad option is.
// send is called by one thread at a time (the export's runner).
Result<std::unique_ptr<ExportDestination>> make_nats_destination(const nlohmann::json& options);

}  // namespace edgehub::hub
