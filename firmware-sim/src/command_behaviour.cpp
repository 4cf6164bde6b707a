#include "command_behaviour.h"

namespace edgehub::sim {

CommandDecision decide(const CommandBehaviour& behaviour, RandomSource& random) {
  CommandDecision decision;
  decision.delay_ms = uniform_between(random, behaviour.latency.min_ms, behaviour.latency.max_ms);
  decision.fail = chance(random, behaviour.failure_rate);
  return decision;
}

}  // namespace edgehub::sim
