// Scenario files: groups and phases parsed into structs; mistakes named with
// file and line.
#include "scenario_file.h"

#include <doctest/doctest.h>

#include <string>

using namespace edgehub::sim;

namespace {

std::string error_of(const std::string& text) {
  std::string error;
  CHECK_FALSE(parse_scenario(text, "day.toml", error));
  return error;
}

}  // namespace

TEST_CASE("a fleet's day: two groups and every kind of phase") {
  const std::string text = R"(
[[group]]
name = "meters"
count = 500
interval = "2s"
payload_bytes = 64
command_latency = "100-500"
command_failure_rate = 0.05
offline_every = "30s"
offline_for = "5s"
offline_jitter = "1s"
offline_mode = "disconnect"

[[group]]
name = "pumps"
count = 20
id_prefix = "pump-"

[[phase]]
kind = "ramp"
duration = "30s"
connect_rate = 300

[[phase]]
kind = "steady"
duration = "10m"

[[phase]]
kind = "burst"
duration = 5000
interval = "100ms"

[[phase]]
kind = "mass_disconnect"
duration = "1s"
share = 0.5

[[phase]]
kind = "reconnect_storm"
duration = "1m"
)";
  std::string error;
  const auto scenario = parse_scenario(text, "day.toml", error);
  REQUIRE_MESSAGE(scenario, error);
  REQUIRE(scenario->groups.size() == 2);
  const ScenarioGroup& meters = scenario->groups[0];
  CHECK(meters.name == "meters");
  CHECK(meters.count == 500);
  CHECK(meters.id_prefix == "meters-");
  CHECK(meters.interval_ms == 2000);
  CHECK(meters.payload_bytes == 64);
  CHECK(meters.commands.latency == MillisecondRange{100, 500});
  CHECK(meters.commands.failure_rate == doctest::Approx(0.05));
  CHECK(meters.offline.online_ms == 30'000);
  CHECK(meters.offline.offline_ms == 5'000);
  CHECK(meters.offline.jitter_ms == 1'000);
  CHECK(meters.offline.mode == OfflineMode::disconnect);
  const ScenarioGroup& pumps = scenario->groups[1];
  CHECK(pumps.id_prefix == "pump-");
  CHECK(pumps.interval_ms == 1000);
  CHECK_FALSE(pumps.offline.enabled());
  REQUIRE(scenario->phases.size() == 5);
  CHECK(scenario->phases[0].kind == PhaseKind::ramp);
  CHECK(scenario->phases[0].connect_rate == 300);
  CHECK(scenario->phases[1].duration_ms == 600'000);
  CHECK(scenario->phases[2].kind == PhaseKind::burst);
  CHECK(scenario->phases[2].duration_ms == 5'000);
  CHECK(scenario->phases[2].interval_ms == 100);
  CHECK(scenario->phases[3].share == doctest::Approx(0.5));
  CHECK(scenario->phases[4].kind == PhaseKind::reconnect_storm);
}

TEST_CASE("TOML syntax errors name the file and line") {
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = \n").rfind("day.toml:3: ", 0) == 0);
}

TEST_CASE("mistakes in groups name the line and what is wrong") {
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = 0\n") ==
        "day.toml:3: 'count' in [[group]] 1 must be between 1 and 100000");
  CHECK(error_of("[[group]]\nname = \"a\"\n") == "day.toml:1: group 'a' needs a count");
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = 1\ninterval = \"fast\"\n") ==
        "day.toml:4: 'interval' in [[group]] 1 must be a duration (500ms, 30s, 2m)");
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = 1\ncolour = \"red\"\n") ==
        "day.toml:4: unknown key 'colour' in [[group]] 1");
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = 1\noffline_mode = \"nap\"\n") ==
        "day.toml:4: 'offline_mode' must be drop or disconnect");
  CHECK(error_of("[[group]]\nname = \"a\"\ncount = 1\n[[group]]\nname = \"a\"\ncount = 2\n") ==
        "day.toml:4: group name 'a' is used twice");
  CHECK(error_of("[[group]]\nname = \"a b\"\ncount = 1\n").find("does not make valid device ids") !=
        std::string::npos);
}

TEST_CASE("mistakes in phases name the line and what is wrong") {
  const std::string group = "[[group]]\nname = \"a\"\ncount = 1\n";
  CHECK(error_of(group + "[[phase]]\nkind = \"nap\"\nduration = \"1s\"\n") ==
        "day.toml:5: [[phase]] 1: 'kind' must be ramp, steady, burst, mass_disconnect or "
        "reconnect_storm");
  CHECK(error_of(group + "[[phase]]\nkind = \"steady\"\n") ==
        "day.toml:4: [[phase]] 1 needs a duration");
  CHECK(error_of(group + "[[phase]]\nkind = \"burst\"\nduration = \"1s\"\n") ==
        "day.toml:4: [[phase]] 1: a burst needs an interval");
  CHECK(error_of(group + "[[phase]]\nkind = \"steady\"\nduration = \"1s\"\nshare = 0.5\n") ==
        "day.toml:7: 'share' is for mass_disconnect phases");
  CHECK(error_of(group + "[[phase]]\nkind = \"mass_disconnect\"\nduration = \"1s\"\nshare = 0\n") ==
        "day.toml:7: 'share' must be above 0");
}

TEST_CASE("a scenario needs a group, and only groups and phases") {
  CHECK(error_of("[[phase]]\nkind = \"steady\"\nduration = \"1s\"\n") ==
        "day.toml:1: no [[group]]: a scenario needs at least one");
  CHECK(error_of("[fleet]\nsize = 3\n").find("unknown table 'fleet'") != std::string::npos);
  CHECK(error_of("[group]\nname = \"a\"\ncount = 1\n").find("must be written [[group]]") !=
        std::string::npos);
}
