#include "edgehub/device/status.h"

namespace edgehub::device {

const char* status_name(Status status) noexcept {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::bad_parameter:
      return "bad_parameter";
    case Status::buffer_too_small:
      return "buffer_too_small";
    case Status::malformed:
      return "malformed";
    case Status::incomplete:
      return "incomplete";
    case Status::not_found:
      return "not_found";
    case Status::busy:
      return "busy";
    case Status::not_connected:
      return "not_connected";
    case Status::wrong_state:
      return "wrong_state";
    case Status::send_failed:
      return "send_failed";
    case Status::recv_failed:
      return "recv_failed";
    case Status::timeout:
      return "timeout";
    case Status::keepalive_timeout:
      return "keepalive_timeout";
    case Status::connection_refused:
      return "connection_refused";
    case Status::subscription_refused:
      return "subscription_refused";
    case Status::protocol_error:
      return "protocol_error";
    case Status::packet_too_large:
      return "packet_too_large";
    case Status::in_progress:
      return "in_progress";
    case Status::queue_full:
      return "queue_full";
    case Status::storage_failed:
      return "storage_failed";
  }
  return "unknown";
}

}  // namespace edgehub::device
