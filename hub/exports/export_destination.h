// Where an export sends a stream's records (issue 15): the seam between the
// export runner (positions, batching, retry, lag; hub/exports/) and one
// engine (an upstream MQTT broker, NATS JetStream, Kafka).
//
// The runner hands a destination batches in stream order and moves the
// export's committed position only past records the destination
// acknowledged. A destination therefore never has to remember anything: after
// any failure, a hub restart or a SIGKILL the runner sends again from the
// committed position, and the record's identity (site, stream, offset) lets
// the engine or its consumers drop what it already has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// One record as it leaves the hub: its payload and its identity.
struct ExportRecord {
  std::string site_id;  // the hub's site id: unique per hub, stable across restarts
  std::string stream;
  std::uint64_t offset = 0;  // the record's offset in its stream
  std::string device_id;
  std::optional<std::uint64_t> seq;  // the device's sequence number, when it sent one
  std::string topic;                 // MQTT topic it arrived on
  std::int64_t received_at_ms = 0;   // when the hub received it (Unix ms)
  std::string payload;
};

class ExportDestination {
 public:
  virtual ~ExportDestination() = default;

  // Sends records (in stream order) and returns how many of them, counted
  // from the first, the engine acknowledged durably (JetStream PubAck, Kafka
  // delivery report with acks=all, MQTT PUBACK). A short count with an error
  // message is a partial success: the runner commits that many and retries
  // the rest with backoff; {0, error} when the destination is unreachable.
  // Never throws.
  struct Sent {
    std::size_t acknowledged = 0;
    std::string error;  // empty when every record was acknowledged
  };
  virtual Sent send(std::span<const ExportRecord> records) = 0;

  // "nats://127.0.0.1:4222 subject edge.{device}.{stream}": for show and logs,
  // never a secret.
  virtual std::string describe() const = 0;
};

}  // namespace edgehub::hub
