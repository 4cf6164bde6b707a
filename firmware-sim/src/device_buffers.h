// A simulated device's large, mostly idle SDK buffers (MQTT receive and send,
// command response, twin report) in one anonymous memory mapping of its own,
// each buffer starting on a page boundary.
//
// Why: the buffers are sized for the largest packet the protocol allows
// (a 64 KiB command or desired document, a 32 KiB report), but a device of
// a load test rarely sees one: its packets are a few hundred bytes, written
// at the start of each buffer. Memory of a fresh mapping becomes resident
// page by page when first written, so a buffer costs the pages actually used
// (one, usually) however large it is. The same buffers as zero-filled heap
// vectors were resident in full from the start: about 21 kB per device, a
// third of the simulator's memory at 10,000 devices.
//
// Errors: the constructor throws std::bad_alloc when the mapping cannot be
// made (start-up only). Buffers are never shrunk or given back while the
// device lives: pages a large packet touched stay resident.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgehub::sim {

struct DeviceBufferSizes {
  std::size_t receive = 0;
  std::size_t send = 0;
  std::size_t response = 0;
  std::size_t report = 0;
};

class DeviceBuffers {
 public:
  explicit DeviceBuffers(const DeviceBufferSizes& sizes);
  DeviceBuffers(const DeviceBuffers&) = delete;
  DeviceBuffers& operator=(const DeviceBuffers&) = delete;
  ~DeviceBuffers();

  std::uint8_t* receive() const noexcept { return receive_; }
  std::uint8_t* send() const noexcept { return send_; }
  char* response() const noexcept { return reinterpret_cast<char*>(response_); }
  char* report() const noexcept { return reinterpret_cast<char*>(report_); }
  const DeviceBufferSizes& sizes() const noexcept { return sizes_; }
  // The whole mapping (for tests: which of its pages are resident).
  const std::uint8_t* mapping() const noexcept { return mapping_; }
  std::size_t mapping_bytes() const noexcept { return mapping_bytes_; }

 private:
  DeviceBufferSizes sizes_;
  std::uint8_t* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  std::uint8_t* receive_ = nullptr;
  std::uint8_t* send_ = nullptr;
  std::uint8_t* response_ = nullptr;
  std::uint8_t* report_ = nullptr;
};

}  // namespace edgehub::sim
