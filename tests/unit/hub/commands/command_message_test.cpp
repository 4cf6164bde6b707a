// The command as its device receives it: the hub's protocol parser and the
// device SDK's both read the deadline the hub wrote.
#include "commands/command_message.h"

#include <doctest/doctest.h>

#include "edgehub/device/hub/command.h"
#include "edgehub/protocol/payloads.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

CommandRecord set_interval() {
  CommandRecord command;
  command.id = "c-7f3a2b";
  command.device_id = "boiler-1";
  command.name = "set-interval";
  command.payload_json = R"({"interval_ms":500})";
  command.timeout_ms = 10000;
  return command;
}

}  // namespace

TEST_CASE("a command goes to the device's commands topic") {
  CHECK(command_topic("boiler-1") == "devices/boiler-1/commands");
}

TEST_CASE("the command message is the protocol's fields with the deadline last") {
  CHECK(command_message(set_interval(), 1732631244000) ==
        R"({"id":"c-7f3a2b","name":"set-interval","payload":{"interval_ms":500},)"
        R"("timeout_ms":10000,"deadline_ms":1732631244000})");
}

TEST_CASE("the hub's parser reads back every field of the command message") {
  auto parsed = protocol::parse_command(command_message(set_interval(), 1732631244000));
  REQUIRE(parsed.ok());
  CHECK(parsed->id == "c-7f3a2b");
  CHECK(parsed->name == "set-interval");
  CHECK(parsed->payload_json == R"({"interval_ms":500})");
  CHECK(parsed->timeout_ms == 10000);
  CHECK(parsed->deadline_ms == std::optional<std::int64_t>(1732631244000));
}

TEST_CASE("the device SDK reads the command message, deadline included") {
  const std::string message = command_message(set_interval(), 1732631244000);
  device::hub::Command command;
  REQUIRE(device::hub::parse_command(message, &command) == device::Status::ok);
  CHECK(command.id() == std::string_view("c-7f3a2b"));
  CHECK(command.name() == std::string_view("set-interval"));
  CHECK(command.payload() == std::string_view(R"({"interval_ms":500})"));
  CHECK(command.timeout_ms() == 10000);
  CHECK(command.deadline_ms() == 1732631244000ULL);
}
