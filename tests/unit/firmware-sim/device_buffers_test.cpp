// A device's large buffers cost the pages that are written, not their size.
#include "device_buffers.h"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

using namespace edgehub::sim;

namespace {

const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

// How many pages of the buffers' mapping are resident (mincore).
std::size_t resident_pages(const DeviceBuffers& buffers) {
  std::vector<unsigned char> pages((buffers.mapping_bytes() + kPage - 1) / kPage);
  REQUIRE(::mincore(const_cast<std::uint8_t*>(buffers.mapping()), buffers.mapping_bytes(),
                    pages.data()) == 0);
  std::size_t resident = 0;
  for (unsigned char page : pages) resident += page & 1;
  return resident;
}

bool on_page_boundary(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer) % kPage == 0;
}

}  // namespace

TEST_CASE("device_buffers_sizes_each_buffer_starts_on_its_own_page") {
  const DeviceBuffers buffers({66 * 1024, 40 * 1024, 2 * 1024, 32 * 1024});
  CHECK(on_page_boundary(buffers.receive()));
  CHECK(on_page_boundary(buffers.send()));
  CHECK(on_page_boundary(buffers.response()));
  CHECK(on_page_boundary(buffers.report()));
  CHECK(buffers.send() >= buffers.receive() + 66 * 1024);
  CHECK(reinterpret_cast<std::uint8_t*>(buffers.response()) >= buffers.send() + 40 * 1024);
  CHECK(reinterpret_cast<std::uint8_t*>(buffers.report()) >=
        reinterpret_cast<std::uint8_t*>(buffers.response()) + 2 * 1024);
  CHECK(buffers.mapping() + buffers.mapping_bytes() >=
        reinterpret_cast<const std::uint8_t*>(buffers.report()) + 32 * 1024);
}

TEST_CASE("device_buffers_fresh_nothing_resident_until_written") {
  const DeviceBuffers buffers({66 * 1024, 40 * 1024, 2 * 1024, 32 * 1024});
  CHECK(resident_pages(buffers) == 0);
  // A small packet at the start of the receive and send buffers.
  std::memset(buffers.receive(), 0x30, 200);
  std::memset(buffers.send(), 0x30, 300);
  CHECK(resident_pages(buffers) == 2);
  // A large command fills the receive buffer: now all of it is resident
  // (and still the send buffer's first page).
  std::memset(buffers.receive(), 0x31, 66 * 1024);
  CHECK(resident_pages(buffers) == (66 * 1024 + kPage - 1) / kPage + 1);
}

TEST_CASE("device_buffers_whole_buffer_writable") {
  const DeviceBuffers buffers({100, 5000, 1, 4096});
  std::memset(buffers.receive(), 1, 100);
  std::memset(buffers.send(), 2, 5000);
  std::memset(buffers.response(), 3, 1);
  std::memset(buffers.report(), 4, 4096);
  CHECK(buffers.receive()[99] == 1);
  CHECK(buffers.send()[4999] == 2);
  CHECK(buffers.response()[0] == 3);
  CHECK(buffers.report()[4095] == 4);
}
