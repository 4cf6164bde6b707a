// Storage as a seam: where the offline buffer keeps its bytes. The core sees
// a flat array of `capacity` bytes it reads and writes at offsets; a port
// decides what backs it:
//
//   memory_storage()          caller RAM (edgehub/device/reliability/memory_storage.h);
//                             survives a warm reset if placed in a no-init section
//   posix::FileStorage        a file (the POSIX port)
//   a flash port              a littlefs/FATFS file, Zephyr NVS/flash_area, ESP-IDF
//                             partition... (docs/device-sdk-porting.md)
//
// The SDK only addresses [0, capacity): offset + length <= capacity always.
// Both functions return true when all `length` bytes were moved. They may
// block (flash writes do); the offline buffer calls them from send_telemetry()
// and process() only. A write need not be atomic: the offline buffer writes a
// record first and its 24-byte header afterwards, so a reset between the two
// loses at most the record being written.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgehub::device {

struct Storage {
  void* context = nullptr;
  std::size_t capacity = 0;
  bool (*read)(void* context, std::size_t offset, std::uint8_t* data, std::size_t length) = nullptr;
  bool (*write)(void* context, std::size_t offset, const std::uint8_t* data,
                std::size_t length) = nullptr;
};

}  // namespace edgehub::device
