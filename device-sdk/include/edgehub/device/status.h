// The one status type of the device SDK core. Every fallible function returns
// a Status; nothing throws, nothing allocates.
#pragma once

#include <cstdint>

namespace edgehub::device {

enum class Status : std::uint8_t {
  ok = 0,
  // The caller's fault: an argument the function cannot use (null buffer,
  // invalid topic or device id, QoS 2, JSON text that is not JSON, ...).
  bad_parameter,
  // A caller-owned buffer is too small for what had to be written. Retrying
  // with the same buffer cannot succeed.
  buffer_too_small,
  // Bytes or text from outside (the network, a command payload) that break
  // the format: bad remaining length, truncated packet, malformed JSON, ...
  malformed,
  // Input ends before the item does; feed more bytes and try again.
  incomplete,
  // A looked-up item (JSON member, packet id) is not there.
  not_found,
  // Not now: the send buffer or the table of outstanding QoS 1 publishes is
  // full, or a response is still waiting to go out. Call process() and retry.
  busy,
  // The operation needs an MQTT connection (CONNACK received).
  not_connected,
  // The call does not fit the object's state (connect() while connected).
  wrong_state,
  // The transport reported an error; the connection is over.
  send_failed,
  recv_failed,
  // CONNACK (or the TLS handshake, in a port) did not arrive in time.
  timeout,
  // The server did not answer PINGREQ in time; the connection is dead.
  keepalive_timeout,
  // CONNACK carried a non-zero return code (see Client::connack_return_code()).
  connection_refused,
  // SUBACK refused the subscription (return code 0x80).
  subscription_refused,
  // The server sent a packet the protocol does not allow here (a second
  // CONNACK, a PINGREQ, QoS 2, ...).
  protocol_error,
  // An incoming packet is larger than the receive buffer; it was dropped.
  packet_too_large,
  // A non-blocking operation of a port has started and is not finished yet.
  in_progress,
  // The offline buffer is full and its policy is refuse_newest: the message
  // was not stored (nothing was lost that the application does not know of).
  queue_full,
  // The Storage seam reported a read or write error.
  storage_failed,
};

// A stable, human-readable name ("buffer_too_small"), never null.
const char* status_name(Status status) noexcept;

}  // namespace edgehub::device
