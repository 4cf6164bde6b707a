// The ids of the commands a simulated device answered lately, with their
// answers (docs/protocol.md 4.1, device duties): a QoS 1 redelivery of an id
// already answered is answered again with the same result, never executed
// again. Bounded: the oldest ids are forgotten first (the protocol asks for
// at least the last 16).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace edgehub::sim {

struct CommandAnswer {
  int status = 200;
  std::string payload = "null";  // JSON text
  bool operator==(const CommandAnswer&) const = default;
};

class CommandMemory {
 public:
  static constexpr std::size_t kDefaultCapacity = 64;

  explicit CommandMemory(std::size_t capacity = kDefaultCapacity);

  // True when the id was answered (and still remembered); *answer receives the answer.
  bool lookup(std::string_view id, CommandAnswer* answer = nullptr) const;
  // Remembers the answer given to this id (replacing an older one).
  void remember(std::string_view id, CommandAnswer answer);

  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::string id;
    CommandAnswer answer;
  };

  std::size_t capacity_;
  std::deque<Entry> entries_;  // oldest first
};

}  // namespace edgehub::sim
