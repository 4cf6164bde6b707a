#include "device_buffers.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace edgehub::sim {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t whole_pages(std::size_t bytes) {
  const std::size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

}  // namespace

DeviceBuffers::DeviceBuffers(const DeviceBufferSizes& sizes) : sizes_(sizes) {
  mapping_bytes_ = whole_pages(sizes.receive) + whole_pages(sizes.send) +
                   whole_pages(sizes.response) + whole_pages(sizes.report);
  if (mapping_bytes_ == 0) return;
  void* mapping = ::mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  // The fleet's mappings lie side by side and the kernel merges them: with
  // transparent huge pages set to "always", one written byte could make 2 MB
  // resident. Best effort: without it pages are still only made resident
  // when written.
  (void)::madvise(mapping, mapping_bytes_, MADV_NOHUGEPAGE);
  mapping_ = static_cast<std::uint8_t*>(mapping);
  receive_ = mapping_;
  send_ = receive_ + whole_pages(sizes.receive);
  response_ = send_ + whole_pages(sizes.send);
  report_ = response_ + whole_pages(sizes.response);
}

DeviceBuffers::~DeviceBuffers() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_bytes_);
}

}  // namespace edgehub::sim
