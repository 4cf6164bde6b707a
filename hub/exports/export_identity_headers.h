// The record's identity as message headers (NATS headers, Kafka headers):
// what lets a consumer far from the hub know where a message came from and
// drop a resend. Shared by every engine so that a consumer reads one set of
// names whatever carried the message (docs/protocol.md, "Exports").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "exports/export_destination.h"

namespace edgehub::hub {

// "<site>:<stream>:<offset>": unique per record across every hub of a
// deployment (the site id is), the same on every resend. JetStream's
// Nats-Msg-Id; the key a Kafka consumer deduplicates by.
std::string export_message_id(const ExportRecord& record);

// Edgehub-Site, Edgehub-Stream, Edgehub-Offset, Edgehub-Device, Edgehub-Seq
// (only when the device sent one), Edgehub-Received-At (Unix ms), in that
// order. Values are decimal for the numbers, verbatim for the names.
using ExportHeader = std::pair<std::string, std::string>;
std::vector<ExportHeader> export_identity_headers(const ExportRecord& record);

}  // namespace edgehub::hub
