#include "scenario_file.h"

#include <toml++/toml.h>

#include <set>

#include "edgehub/protocol/topics.h"
#include "option_values.h"

namespace edgehub::sim {
namespace {

// Thrown inside the parser only, caught by parse_scenario: one message.
struct ScenarioMistake {
  std::string message;
};

[[noreturn]] void mistake(const std::string& file, const toml::source_region& where,
                          const std::string& what) {
  throw ScenarioMistake{file + ":" + std::to_string(where.begin.line) + ": " + what};
}

class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& file, std::string what,
              std::set<std::string> known)
      : table_(table), file_(file), what_(std::move(what)) {
    for (const auto& [key, node] : table) {
      if (known.count(std::string(key.str())) == 0) {
        mistake(file_, node.source(), "unknown key '" + std::string(key.str()) + "' in " + what_);
      }
    }
  }

  bool has(const char* key) const { return table_.contains(key); }
  const toml::source_region& where(const char* key) const {
    return has(key) ? table_.get(key)->source() : table_.source();
  }

  std::string text(const char* key, std::string fallback) const {
    if (!has(key)) return fallback;
    const auto value = table_.get(key)->value<std::string>();
    if (!table_.get(key)->is_string() || !value) mistake(file_, where(key), need(key, "a string"));
    return *value;
  }
  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t low,
                       std::int64_t high) const {
    if (!has(key)) return fallback;
    const toml::node& node = *table_.get(key);
    if (!node.is_integer()) mistake(file_, where(key), need(key, "an integer"));
    const std::int64_t value = *node.value<std::int64_t>();
    if (value < low || value > high) {
      mistake(file_, where(key),
              need(key, "between " + std::to_string(low) + " and " + std::to_string(high)));
    }
    return value;
  }
  double number(const char* key, double fallback, double low, double high) const {
    if (!has(key)) return fallback;
    const toml::node& node = *table_.get(key);
    if (!node.is_number()) mistake(file_, where(key), need(key, "a number"));
    const double value = *node.value<double>();
    if (!(value >= low && value <= high)) {
      mistake(file_, where(key),
              need(key, "between " + std::to_string(low) + " and " + std::to_string(high)));
    }
    return value;
  }
  // "500ms", "30s", "2m", or an integer of milliseconds.
  std::uint64_t duration_ms(const char* key, std::uint64_t fallback) const {
    if (!has(key)) return fallback;
    const toml::node& node = *table_.get(key);
    if (node.is_integer() && *node.value<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(*node.value<std::int64_t>());
    }
    const auto parsed = node.is_string() ? parse_duration_ms(*node.value<std::string>())
                                         : std::optional<std::uint64_t>{};
    if (!parsed) mistake(file_, where(key), need(key, "a duration (500ms, 30s, 2m)"));
    return *parsed;
  }
  [[noreturn]] void fail(const char* key, const std::string& what) const {
    mistake(file_, where(key), what);
  }

 private:
  std::string need(const char* key, const std::string& kind) const {
    return "'" + std::string(key) + "' in " + what_ + " must be " + kind;
  }

  const toml::table& table_;
  const std::string& file_;
  std::string what_;
};

ScenarioGroup read_group(const toml::table& table, const std::string& file, std::size_t index) {
  const TableReader in(
      table, file, "[[group]] " + std::to_string(index + 1),
      {"name", "count", "id_prefix", "interval", "payload_bytes", "command_latency",
       "command_failure_rate", "offline_every", "offline_for", "offline_jitter", "offline_mode"});
  ScenarioGroup group;
  if (!in.has("name")) in.fail("name", "[[group]] " + std::to_string(index + 1) + " needs a name");
  group.name = in.text("name", "");
  if (!in.has("count")) in.fail("count", "group '" + group.name + "' needs a count");
  group.count = static_cast<std::uint32_t>(in.integer("count", 0, 1, 100'000));
  group.id_prefix = in.text("id_prefix", group.name + "-");
  if (!protocol::is_valid_device_id(group.id_prefix + "0001")) {
    in.fail("id_prefix",
            "group '" + group.name + "': '" + group.id_prefix + "' does not make valid device ids");
  }
  const std::uint64_t interval = in.duration_ms("interval", 1000);
  if (interval < 10 || interval > 86'400'000) in.fail("interval", "'interval' must be 10ms..24h");
  group.interval_ms = static_cast<std::uint32_t>(interval);
  group.payload_bytes = static_cast<std::size_t>(in.integer("payload_bytes", 0, 0, 200'000));
  const std::string latency = in.text("command_latency", "0");
  const auto range = parse_millisecond_range(latency);
  if (!range) in.fail("command_latency", "'command_latency' must be MS or MIN-MAX");
  group.commands = CommandBehaviour{*range, in.number("command_failure_rate", 0.0, 0.0, 1.0)};
  group.offline.online_ms = in.duration_ms("offline_every", 0);
  group.offline.offline_ms = in.duration_ms("offline_for", 5'000);
  group.offline.jitter_ms = in.duration_ms("offline_jitter", 0);
  if (group.offline.online_ms != 0 && group.offline.offline_ms == 0) {
    in.fail("offline_for", "'offline_for' must be above 0 when 'offline_every' is set");
  }
  if (!parse_offline_mode(in.text("offline_mode", "drop"), &group.offline.mode)) {
    in.fail("offline_mode", "'offline_mode' must be drop or disconnect");
  }
  return group;
}

ScenarioPhase read_phase(const toml::table& table, const std::string& file, std::size_t index) {
  const std::string what = "[[phase]] " + std::to_string(index + 1);
  const TableReader in(table, file, what,
                       {"kind", "duration", "connect_rate", "interval", "share"});
  ScenarioPhase phase;
  static const std::pair<const char*, PhaseKind> kinds[] = {
      {"ramp", PhaseKind::ramp},
      {"steady", PhaseKind::steady},
      {"burst", PhaseKind::burst},
      {"mass_disconnect", PhaseKind::mass_disconnect},
      {"reconnect_storm", PhaseKind::reconnect_storm}};
  const std::string kind = in.text("kind", "");
  bool known = false;
  for (const auto& [name, value] : kinds) {
    if (kind == name) {
      phase.kind = value;
      known = true;
    }
  }
  if (!known) {
    in.fail("kind", what +
                        ": 'kind' must be ramp, steady, burst, mass_disconnect or "
                        "reconnect_storm");
  }
  if (!in.has("duration")) in.fail("duration", what + " needs a duration");
  phase.duration_ms = in.duration_ms("duration", 0);
  const bool connects = phase.kind == PhaseKind::ramp || phase.kind == PhaseKind::reconnect_storm;
  if (in.has("connect_rate") && !connects) {
    in.fail("connect_rate", "'connect_rate' is for ramp and reconnect_storm phases");
  }
  phase.connect_rate = static_cast<std::uint32_t>(in.integer("connect_rate", 0, 0, 1'000'000));
  if (in.has("interval") && phase.kind != PhaseKind::burst) {
    in.fail("interval", "'interval' is for burst phases");
  }
  if (phase.kind == PhaseKind::burst) {
    if (!in.has("interval")) in.fail("interval", what + ": a burst needs an interval");
    const std::uint64_t interval = in.duration_ms("interval", 0);
    if (interval < 10) in.fail("interval", "'interval' must be at least 10ms");
    phase.interval_ms = static_cast<std::uint32_t>(interval);
  }
  if (in.has("share") && phase.kind != PhaseKind::mass_disconnect) {
    in.fail("share", "'share' is for mass_disconnect phases");
  }
  phase.share = in.number("share", 1.0, 0.0, 1.0);
  if (phase.share <= 0.0) in.fail("share", "'share' must be above 0");
  return phase;
}

}  // namespace

std::optional<Scenario> parse_scenario(std::string_view text, const std::string& file_name,
                                       std::string& error) {
  try {
    const toml::table root = toml::parse(text, file_name);
    Scenario scenario;
    for (const auto& [key, node] : root) {
      if (key.str() != "group" && key.str() != "phase") {
        mistake(file_name, node.source(),
                "unknown table '" + std::string(key.str()) + "' (expected [[group]] or [[phase]])");
      }
      if (!node.is_array_of_tables()) {
        mistake(
            file_name, node.source(),
            "'" + std::string(key.str()) + "' must be written [[" + std::string(key.str()) + "]]");
      }
    }
    std::set<std::string> names, prefixes;
    if (const toml::array* groups = root["group"].as_array()) {
      for (std::size_t i = 0; i < groups->size(); ++i) {
        const toml::table& table = *groups->get(i)->as_table();
        scenario.groups.push_back(read_group(table, file_name, i));
        if (!names.insert(scenario.groups.back().name).second) {
          mistake(file_name, table.source(),
                  "group name '" + scenario.groups.back().name + "' is used twice");
        }
        if (!prefixes.insert(scenario.groups.back().id_prefix).second) {
          mistake(file_name, table.source(),
                  "id_prefix '" + scenario.groups.back().id_prefix + "' is used twice");
        }
      }
    }
    if (scenario.groups.empty()) {
      mistake(file_name, root.source(), "no [[group]]: a scenario needs at least one");
    }
    if (const toml::array* phases = root["phase"].as_array()) {
      for (std::size_t i = 0; i < phases->size(); ++i) {
        scenario.phases.push_back(read_phase(*phases->get(i)->as_table(), file_name, i));
      }
    }
    return scenario;
  } catch (const toml::parse_error& parse) {
    error = file_name + ":" + std::to_string(parse.source().begin.line) + ": " +
            std::string(parse.description());
  } catch (const ScenarioMistake& found) {
    error = found.message;
  }
  return std::nullopt;
}

}  // namespace edgehub::sim
