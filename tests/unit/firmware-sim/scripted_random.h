// A RandomSource that returns the draws a test scripted, in order (then 0).
#pragma once

#include <cstdint>
#include <deque>

#include "random_source.h"

namespace edgehub::sim::test {

class ScriptedRandom final : public RandomSource {
 public:
  ScriptedRandom(std::initializer_list<std::uint64_t> draws) : draws_(draws) {}
  void then(std::uint64_t draw) { draws_.push_back(draw); }
  std::uint64_t next() override {
    ++taken_;
    if (draws_.empty()) return 0;
    const std::uint64_t draw = draws_.front();
    draws_.pop_front();
    return draw;
  }
  int taken() const { return taken_; }

 private:
  std::deque<std::uint64_t> draws_;
  int taken_ = 0;
};

// The draw chance() turns into `unit` (in [0, 1)).
inline std::uint64_t draw_for_unit(double unit) {
  return static_cast<std::uint64_t>(unit * 0x1.0p53) << 11;
}

}  // namespace edgehub::sim::test
