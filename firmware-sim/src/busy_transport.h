// The outgoing link of a device that is busy with a command: a Transport
// (device-sdk's seam) around the real one that sends nothing until the
// command's latency is over, so that the SDK's answer, and whatever the
// device sends after it, goes out late. Reading goes on: the device keeps
// receiving (its MQTT client does not stall), like an MCU whose radio buffers
// while the application works.
//
// Why at the transport: the SDK answers a command inside its on_command
// callback (there is no "answer later" API), and the simulator must not block
// its worker thread, which drives other devices too.
#pragma once

#include <cstdint>
#include <functional>

#include "edgehub/device/transport.h"

namespace edgehub::sim {

class BusyTransport {
 public:
  // now_ms: a steady clock in milliseconds.
  explicit BusyTransport(std::function<std::uint64_t()> now_ms) : now_ms_(std::move(now_ms)) {}
  BusyTransport(const BusyTransport&) = delete;
  BusyTransport& operator=(const BusyTransport&) = delete;

  // The real connection's transport (set again for every connection).
  void set_inner(const device::Transport& inner) noexcept { inner_ = inner; }
  // What the SDK is given: the address of this object is its context.
  device::Transport transport() noexcept;

  // The device works busy_ms on a command, after what it is already busy with.
  void add_work(std::uint64_t busy_ms);
  // Forgets the work (the connection it was answering on is gone).
  void clear() noexcept { busy_until_ms_ = 0; }
  bool busy() const { return now_ms_() < busy_until_ms_; }
  std::uint64_t busy_until_ms() const noexcept { return busy_until_ms_; }

 private:
  static std::int32_t send(void* context, const std::uint8_t* data, std::size_t length);
  static std::int32_t receive(void* context, std::uint8_t* buffer, std::size_t capacity);

  std::function<std::uint64_t()> now_ms_;
  device::Transport inner_;
  std::uint64_t busy_until_ms_ = 0;
};

}  // namespace edgehub::sim
