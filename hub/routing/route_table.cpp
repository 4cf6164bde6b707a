#include "routing/route_table.h"

#include <algorithm>
#include <stdexcept>

namespace edgehub::hub {

struct RouteTable::Active {
  RouteDefinition definition;
  std::unique_ptr<CompiledRoute> compiled;
  std::uint64_t matched = 0;
  std::uint64_t errors = 0;
  std::uint64_t overruns = 0;
  std::uint32_t overruns_in_a_row = 0;
  std::optional<std::string> disabled_reason;

  RouteStatus status() const {
    return RouteStatus{definition, matched, errors, overruns, disabled_reason};
  }
};

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::size_t kMaxCachedDevices = 100000;

// A condition that is already over its budget or a limit on an empty
// message would be so on every message: refused when it is added.
Status try_on_empty_message(CompiledRoute& compiled) {
  auto evaluation = compiled.evaluate(RouteMessage{"trial-device", 1, 0, "{}", "{}"});
  if (evaluation) return ok_status();
  const ErrorCode code = evaluation.error().code;
  if (code != ErrorCode::timeout && code != ErrorCode::too_large) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "a trial run on an empty message failed: " + evaluation.error().message);
}

}  // namespace

RouteTable::RouteTable(RouteStore& store, AttributeLookup attributes, RouteTableSettings settings)
    : store_(store),
      lookup_(std::move(attributes)),
      settings_(std::move(settings)),
      engine_(settings_.time_budget) {
  if (!settings_.now_ms) settings_.now_ms = system_now_ms;
  auto stored = store_.list();
  if (!stored) throw std::runtime_error("routes: " + stored.error().message);
  for (auto& definition : *stored) {
    auto compiled = engine_.compile(definition.condition, definition.projection);
    if (!compiled) {
      throw std::runtime_error("routes: stored route '" + definition.name +
                               "' does not compile: " + compiled.error().message);
    }
    routes_.push_back(
        std::make_unique<Active>(Active{std::move(definition), std::move(*compiled)}));
  }
}

RouteTable::~RouteTable() {
  // Statements go before the engine's connection (member order does the rest).
  routes_.clear();
}

Result<RouteStatus> RouteTable::add(RouteDefinition route) {
  if (Status valid = validate_route_definition(route); !valid) return valid.error();
  std::lock_guard lock(mutex_);
  auto compiled = engine_.compile(route.condition, route.projection);
  if (!compiled) return compiled.error();
  if (Status trial = try_on_empty_message(**compiled); !trial) return trial.error();
  route.created_at_ms = settings_.now_ms();
  if (Status stored = store_.add(route); !stored) return stored.error();
  auto active = std::make_unique<Active>(Active{std::move(route), std::move(*compiled)});
  const RouteStatus status = active->status();
  const auto at = std::lower_bound(routes_.begin(), routes_.end(), status.definition.name,
                                   [](const auto& existing, const std::string& name) {
                                     return existing->definition.name < name;
                                   });
  routes_.insert(at, std::move(active));
  return status;
}

Status RouteTable::remove(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (Status removed = store_.remove(name); !removed) return removed;
  std::erase_if(routes_, [&](const auto& active) { return active->definition.name == name; });
  return ok_status();
}

std::vector<RouteStatus> RouteTable::list() const {
  std::lock_guard lock(mutex_);
  std::vector<RouteStatus> statuses;
  for (const auto& active : routes_) statuses.push_back(active->status());
  return statuses;
}

Result<RouteStatus> RouteTable::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (const auto& active : routes_) {
    if (active->definition.name == name) return active->status();
  }
  return make_error(ErrorCode::not_found, "no route named '" + std::string(name) + "'");
}

bool RouteTable::empty() const {
  std::lock_guard lock(mutex_);
  return routes_.empty();
}

Result<RouteTestOutcome> RouteTable::test(const RouteDefinition& route, std::string_view device,
                                          std::uint64_t seq, std::string_view data_json) {
  if (route.condition.empty()) {
    return make_error(ErrorCode::invalid_argument, "the condition is empty");
  }
  if (route.condition.size() > kMaxRouteExpressionLength ||
      route.projection.size() > kMaxRouteExpressionLength) {
    return make_error(ErrorCode::invalid_argument, "condition and projection are limited to " +
                                                       std::to_string(kMaxRouteExpressionLength) +
                                                       " characters");
  }
  std::lock_guard lock(mutex_);
  auto compiled = engine_.compile(route.condition, route.projection);
  if (!compiled) return compiled.error();
  RouteTestOutcome outcome;
  outcome.attributes_json = attributes_of(device);
  RouteMessage message{device, seq, settings_.now_ms(), data_json, outcome.attributes_json};
  auto evaluation = (*compiled)->evaluate(message);
  if (!evaluation) {
    outcome.error = evaluation.error().message;
  } else {
    outcome.matched = evaluation->matched;
    outcome.output = std::move(evaluation->output);
  }
  return outcome;
}

RoutingOutcome RouteTable::route(RouteMessage message) {
  RoutingOutcome outcome;
  std::lock_guard lock(mutex_);
  std::string attributes;
  bool attributes_known = false;
  for (const auto& active : routes_) {
    if (active->disabled_reason) continue;
    if (active->compiled->uses_attributes() && !attributes_known) {
      attributes = attributes_of(message.device);
      message.attributes_json = attributes;
      attributes_known = true;
    }
    auto evaluation = active->compiled->evaluate(message);
    if (!evaluation) {
      ++active->errors;
      const bool over_budget = evaluation.error().code == ErrorCode::timeout;
      outcome.failures.push_back(
          RouteFailure{active->definition.name, evaluation.error().message, over_budget});
      if (over_budget) note_overrun(*active);
      continue;
    }
    active->overruns_in_a_row = 0;
    if (!evaluation->matched) continue;
    ++active->matched;
    outcome.copies.push_back(RoutedCopy{active->definition.name, active->definition.stream,
                                        std::move(*evaluation->output)});
  }
  return outcome;
}

void RouteTable::note_overrun(Active& active) {
  ++active.overruns;
  if (++active.overruns_in_a_row < settings_.overruns_before_disable) return;
  active.disabled_reason = "disabled: exceeded its time budget on " +
                           std::to_string(active.overruns_in_a_row) +
                           " messages in a row; add it again to enable it";
  if (settings_.on_disabled) settings_.on_disabled(active.definition.name, *active.disabled_reason);
}

void RouteTable::forget_attributes(std::optional<std::string_view> device) {
  std::lock_guard lock(mutex_);
  if (!device) {
    attribute_cache_.clear();
  } else if (const auto found = attribute_cache_.find(*device); found != attribute_cache_.end()) {
    attribute_cache_.erase(found);
  }
}

std::string RouteTable::attributes_of(std::string_view device) {
  const auto now = std::chrono::steady_clock::now();
  if (const auto found = attribute_cache_.find(device);
      found != attribute_cache_.end() && found->second.expires > now) {
    return found->second.json;
  }
  std::string json = lookup_ ? lookup_(device) : std::string("{}");
  if (attribute_cache_.size() >= kMaxCachedDevices) attribute_cache_.clear();
  attribute_cache_.insert_or_assign(std::string(device),
                                    CachedAttributes{json, now + settings_.attribute_cache_ttl});
  return json;
}

}  // namespace edgehub::hub
