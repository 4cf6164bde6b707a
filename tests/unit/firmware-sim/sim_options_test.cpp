// firmware-sim's options: what a user may type, and the clear error for what
// they may not.
#include "sim_options.h"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "option_values.h"

using namespace edgehub::sim;

namespace {

// Parses a command line the way firmware-sim does; returns the CLI11 error text, if any.
std::string parse(SimOptions& options, std::vector<std::string> arguments) {
  CLI::App app;
  add_sim_options(app, options);
  std::reverse(arguments.begin(), arguments.end());  // CLI11 takes them last first
  try {
    app.parse(arguments);
  } catch (const CLI::ParseError& error) {
    return error.what();
  }
  return {};
}

}  // namespace

TEST_CASE("durations are given in ms, s, m or h, and anything else is refused") {
  CHECK(parse_duration_ms("1500") == 1500u);
  CHECK(parse_duration_ms("500ms") == 500u);
  CHECK(parse_duration_ms("30s") == 30'000u);
  CHECK(parse_duration_ms("2m") == 120'000u);
  CHECK(parse_duration_ms("1h") == 3'600'000u);
  CHECK(parse_duration_ms("0") == 0u);
  for (const char* bad : {"", "s", "-5s", "1.5s", "10 s", "10d", "5sec", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_ms(bad).has_value());
  }
}

TEST_CASE("a command latency is a fixed value or a MIN-MAX range") {
  CHECK(parse_millisecond_range("200") == MillisecondRange{200, 200});
  CHECK(parse_millisecond_range("100-800") == MillisecondRange{100, 800});
  CHECK(parse_millisecond_range("1s-3s") == MillisecondRange{1000, 3000});
  CHECK_FALSE(parse_millisecond_range("800-100").has_value());
  CHECK_FALSE(parse_millisecond_range("100-").has_value());
  CHECK_FALSE(parse_millisecond_range("-100").has_value());
  CHECK_FALSE(parse_millisecond_range("fast").has_value());
}

TEST_CASE("the command line sets command, offline and buffer behaviour") {
  SimOptions options;
  const auto error = parse(
      options, {"--cert-dir", "/tmp/x", "--command-latency-ms", "100-800", "--command-failure-rate",
                "0.1", "--offline-every", "30s", "--offline-for", "5s", "--offline-jitter", "2s",
                "--offline-mode", "disconnect", "--offline-buffer", "64"});
  REQUIRE(error.empty());
  REQUIRE_FALSE(validate(options).has_value());
  const CommandBehaviour commands = command_behaviour(options);
  CHECK(commands.latency == MillisecondRange{100, 800});
  CHECK(commands.failure_rate == doctest::Approx(0.1));
  const OfflinePlan plan = offline_plan(options);
  CHECK(plan.enabled());
  CHECK(plan.online_ms == 30'000);
  CHECK(plan.offline_ms == 5'000);
  CHECK(plan.jitter_ms == 2'000);
  CHECK(plan.mode == OfflineMode::disconnect);
  CHECK(options.offline_buffer_messages == 64);
}

TEST_CASE("without the new options a device answers at once, never fails and stays online") {
  SimOptions options;
  REQUIRE(parse(options, {"--cert-dir", "/tmp/x"}).empty());
  REQUIRE_FALSE(validate(options).has_value());
  CHECK(command_behaviour(options).latency == MillisecondRange{0, 0});
  CHECK(command_behaviour(options).failure_rate == 0.0);
  CHECK_FALSE(offline_plan(options).enabled());
  CHECK(offline_plan(options).mode == OfflineMode::drop);
}

TEST_CASE("unusable values are refused with a message naming the option") {
  SimOptions options;
  options.cert_dir = "/tmp/x";

  SUBCASE("latency range backwards") {
    options.command_latency = "900-100";
    const auto error = validate(options);
    REQUIRE(error.has_value());
    CHECK(error->find("--command-latency-ms") != std::string::npos);
  }
  SUBCASE("latency as long as the keepalive: the broker would give up on a busy device") {
    options.keepalive_seconds = 10;
    options.command_latency = "1s-10s";
    const auto error = validate(options);
    REQUIRE(error.has_value());
    CHECK(error->find("--keepalive") != std::string::npos);
    options.command_latency = "1s-9999ms";
    CHECK_FALSE(validate(options).has_value());
  }
  SUBCASE("failure rate above 1") {
    options.command_failure_rate = 1.5;
    const auto error = validate(options);
    REQUIRE(error.has_value());
    CHECK(error->find("--command-failure-rate") != std::string::npos);
  }
  SUBCASE("failure rate not a number") {
    options.command_failure_rate = std::numeric_limits<double>::quiet_NaN();
    CHECK(validate(options).has_value());
  }
  SUBCASE("offline period without a unit we know") {
    options.offline_every = "30 seconds";
    const auto error = validate(options);
    REQUIRE(error.has_value());
    CHECK(error->find("--offline-every") != std::string::npos);
  }
  SUBCASE("offline for zero time") {
    options.offline_every = "10s";
    options.offline_for = "0";
    const auto error = validate(options);
    REQUIRE(error.has_value());
    CHECK(error->find("--offline-for") != std::string::npos);
  }
  SUBCASE("unknown offline mode") {
    options.offline_mode = "sleep";
    CHECK(validate(options).has_value());
  }
  SUBCASE("an empty offline buffer") {
    options.offline_buffer_messages = 0;
    CHECK(validate(options).has_value());
  }
}

TEST_CASE("the command line refuses an unknown offline mode before anything starts") {
  SimOptions options;
  const auto error = parse(options, {"--cert-dir", "/tmp/x", "--offline-mode", "nap"});
  CHECK_FALSE(error.empty());
}

TEST_CASE("--make-csr is a flag of its own: it cannot be combined with --register") {
  SimOptions options;
  REQUIRE(parse(options, {"--cert-dir", "d", "--ids", "boiler-1", "--make-csr"}).empty());
  CHECK(options.make_requests);
  CHECK_FALSE(validate(options).has_value());
  SimOptions both;
  REQUIRE(parse(both, {"--cert-dir", "d", "--make-csr", "--register", "--token", "t"}).empty());
  const auto error = validate(both);
  REQUIRE(error.has_value());
  CHECK(error->find("--make-csr and --register exclude each other") == 0);
}
