// The offline buffer: FIFO order, wrap-around, the two overflow policies,
// restoring after a "reboot", and storage that fails or lies.
#include "edgehub/device/reliability/offline_buffer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "edgehub/device/reliability/memory_storage.h"

using namespace edgehub::device;
using namespace edgehub::device::reliability;

namespace {

// Memory that can be told to fail, standing in for flash that wears out.
struct FlakyMemory {
  std::vector<std::uint8_t> bytes;
  bool fail_reads = false;
  bool fail_writes = false;
  int writes = 0;

  explicit FlakyMemory(std::size_t capacity) : bytes(capacity) {}
  Storage storage() {
    Storage storage;
    storage.context = this;
    storage.capacity = bytes.size();
    storage.read = [](void* context, std::size_t offset, std::uint8_t* data, std::size_t length) {
      auto* self = static_cast<FlakyMemory*>(context);
      if (self->fail_reads) return false;
      std::copy_n(self->bytes.begin() + static_cast<std::ptrdiff_t>(offset), length, data);
      return true;
    };
    storage.write = [](void* context, std::size_t offset, const std::uint8_t* data,
                       std::size_t length) {
      auto* self = static_cast<FlakyMemory*>(context);
      if (self->fail_writes) return false;
      ++self->writes;
      std::copy_n(data, length, self->bytes.begin() + static_cast<std::ptrdiff_t>(offset));
      return true;
    };
    return storage;
  }
};

Status push(OfflineBuffer& buffer, std::uint64_t seq, const std::string& data,
            std::vector<std::uint64_t>* dropped = nullptr) {
  DropHandler handler;
  handler.context = dropped;
  handler.on_drop = [](void* context, std::uint64_t seq_dropped) {
    if (context != nullptr)
      static_cast<std::vector<std::uint64_t>*>(context)->push_back(seq_dropped);
  };
  return buffer.push(seq, data.data(), data.size(), handler);
}

// Every stored message, oldest first, as "seq:data".
std::vector<std::string> contents(const OfflineBuffer& buffer) {
  std::vector<std::string> out;
  std::uint32_t position = buffer.head_position();
  for (std::size_t i = 0; i < buffer.count(); ++i) {
    StoredMessage message;
    char data[300];
    REQUIRE(buffer.read(position, &message, data, sizeof data) == Status::ok);
    out.push_back(std::to_string(message.seq) + ":" + std::string(data, message.length));
    position = buffer.next_position(position, message);
  }
  return out;
}

}  // namespace

TEST_CASE("fresh memory opens as malformed-and-formatted, then holds messages in order") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(4, 10));
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  CHECK(buffer.open() == Status::malformed);
  CHECK(buffer.empty());
  REQUIRE(push(buffer, 1, "a") == Status::ok);
  REQUIRE(push(buffer, 2, "bb") == Status::ok);
  REQUIRE(push(buffer, 3, "ccc") == Status::ok);
  CHECK(contents(buffer) == std::vector<std::string>{"1:a", "2:bb", "3:ccc"});
  REQUIRE(buffer.pop() == Status::ok);
  CHECK(contents(buffer) == std::vector<std::string>{"2:bb", "3:ccc"});
  CHECK(buffer.last_seq() == 3);
}

TEST_CASE("drop_oldest makes room by dropping the oldest messages and reports each") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(3, 5));
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  (void)buffer.open();
  std::vector<std::uint64_t> dropped;
  for (std::uint64_t seq = 1; seq <= 3; ++seq)
    REQUIRE(push(buffer, seq, "12345", &dropped) == Status::ok);
  REQUIRE(push(buffer, 4, "12345", &dropped) == Status::ok);
  CHECK(dropped == std::vector<std::uint64_t>{1});
  // One message needing the room of two drops two.
  REQUIRE(push(buffer, 5, std::string(15, 'x'), &dropped) == Status::ok);
  CHECK(dropped == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(contents(buffer) == std::vector<std::string>{"4:12345", "5:" + std::string(15, 'x')});
}

TEST_CASE("refuse_newest keeps what it has and refuses the new message with queue_full") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(2, 5));
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::refuse_newest);
  (void)buffer.open();
  REQUIRE(push(buffer, 1, "12345") == Status::ok);
  REQUIRE(push(buffer, 2, "12345") == Status::ok);
  CHECK(push(buffer, 3, "1") == Status::queue_full);
  CHECK(contents(buffer) == std::vector<std::string>{"1:12345", "2:12345"});
  CHECK(buffer.last_seq() == 2);
  REQUIRE(buffer.pop() == Status::ok);
  CHECK(push(buffer, 3, "1") == Status::ok);
}

TEST_CASE("a message larger than the whole buffer is buffer_too_small under both policies") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(1, 8));
  for (const auto policy : {OverflowPolicy::drop_oldest, OverflowPolicy::refuse_newest}) {
    OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), policy);
    (void)buffer.open();
    REQUIRE(push(buffer, 1, "12345678") == Status::ok);  // exactly fits
    CHECK(push(buffer, 2, "123456789") == Status::buffer_too_small);
    CHECK(buffer.count() == 1);
    CHECK(push(buffer, 2, "") == Status::bad_parameter);
    (void)buffer.clear();
  }
}

TEST_CASE("records wrap around the end of the ring intact") {
  std::vector<std::uint8_t> memory(OfflineBuffer::kHeaderSize + 37);  // not a multiple of a record
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  (void)buffer.open();
  std::vector<std::uint64_t> dropped;
  std::vector<std::string> expected;
  for (std::uint64_t seq = 1; seq <= 50; ++seq) {
    const std::string data = std::string(1 + seq % 7, static_cast<char>('a' + seq % 26));
    REQUIRE(push(buffer, seq, data, &dropped) == Status::ok);
    expected.push_back(std::to_string(seq) + ":" + data);
    const auto stored = contents(buffer);
    REQUIRE(stored.size() == buffer.count());
    CHECK(stored.back() == expected.back());
    CHECK(buffer.bytes_used() <= buffer.data_capacity());
  }
  CHECK(dropped.size() + buffer.count() == 50);
}

TEST_CASE("a buffer reopened over the same storage finds its messages: they survive a reboot") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(8, 10));
  {
    OfflineBuffer before(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
    (void)before.open();
    REQUIRE(push(before, 41, "one") == Status::ok);
    REQUIRE(push(before, 42, "two") == Status::ok);
    REQUIRE(push(before, 43, "three") == Status::ok);
    REQUIRE(before.pop() == Status::ok);
  }
  OfflineBuffer after(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  CHECK(after.open() == Status::ok);
  CHECK(contents(after) == std::vector<std::string>{"42:two", "43:three"});
  CHECK(after.last_seq() == 43);
}

TEST_CASE("a corrupted or resized storage is not trusted: it opens empty as malformed") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(8, 10));
  {
    OfflineBuffer before(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
    (void)before.open();
    REQUIRE(push(before, 1, "one") == Status::ok);
  }
  SUBCASE("a different capacity") {
    OfflineBuffer smaller(memory_storage(memory.data(), memory.size() - 1),
                          OverflowPolicy::drop_oldest);
    CHECK(smaller.open() == Status::malformed);
    CHECK(smaller.empty());
  }
  SUBCASE("a header counting more bytes than the ring has") {
    memory[12] = 0xFF;
    memory[13] = 0xFF;
    OfflineBuffer corrupt(memory_storage(memory.data(), memory.size()),
                          OverflowPolicy::drop_oldest);
    CHECK(corrupt.open() == Status::malformed);
    CHECK(corrupt.empty());
  }
  SUBCASE("a record whose length runs past the stored bytes") {
    memory[OfflineBuffer::kHeaderSize + 8] = 0xFF;
    OfflineBuffer corrupt(memory_storage(memory.data(), memory.size()),
                          OverflowPolicy::drop_oldest);
    REQUIRE(corrupt.open() == Status::ok);
    StoredMessage message;
    char data[16];
    CHECK(corrupt.read(corrupt.head_position(), &message, data, sizeof data) == Status::malformed);
  }
}

TEST_CASE("storage failures are reported as storage_failed, never ignored") {
  FlakyMemory flash(OfflineBuffer::storage_size(4, 10));
  OfflineBuffer buffer(flash.storage(), OverflowPolicy::drop_oldest);
  flash.fail_reads = true;
  CHECK(buffer.open() == Status::storage_failed);
  CHECK_FALSE(buffer.is_open());
  CHECK(push(buffer, 1, "x") == Status::wrong_state);
  flash.fail_reads = false;
  (void)buffer.open();
  flash.fail_writes = true;
  CHECK(push(buffer, 1, "x") == Status::storage_failed);
  flash.fail_writes = false;
  REQUIRE(push(buffer, 2, "y") == Status::ok);
  flash.fail_reads = true;
  StoredMessage message;
  CHECK(buffer.read(buffer.head_position(), &message, nullptr, 0) == Status::storage_failed);
}

TEST_CASE("reading into a buffer one byte short is buffer_too_small") {
  std::vector<std::uint8_t> memory(OfflineBuffer::storage_size(2, 10));
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  (void)buffer.open();
  REQUIRE(push(buffer, 1, "0123456789") == Status::ok);
  StoredMessage message;
  char data[10];
  CHECK(buffer.read(buffer.head_position(), &message, data, 9) == Status::buffer_too_small);
  CHECK(buffer.read(buffer.head_position(), &message, data, 10) == Status::ok);
}

TEST_CASE("storage too small for one record cannot be opened") {
  std::vector<std::uint8_t> memory(OfflineBuffer::kHeaderSize + OfflineBuffer::kRecordOverhead);
  OfflineBuffer buffer(memory_storage(memory.data(), memory.size()), OverflowPolicy::drop_oldest);
  CHECK(buffer.open() == Status::buffer_too_small);
}
