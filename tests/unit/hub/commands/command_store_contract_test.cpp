// Behaviour every CommandStore has: run against the SQLite store and the
// in-memory one, so that tests of other modules using the in-memory one see
// what hubd will see.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "command_store_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::queued_command;

#define COMMAND_STORE_FIXTURES \
  edgehub::test::SqliteCommandStoreFixture, edgehub::test::MemoryCommandStoreFixture

namespace {

std::vector<std::string> ids_of(const Result<std::vector<CommandRecord>>& commands) {
  REQUIRE(commands.ok());
  std::vector<std::string> ids;
  for (const CommandRecord& command : *commands) ids.push_back(command.id);
  return ids;
}

CommandUpdate to_state(CommandState state, std::optional<std::int64_t> finished_at_ms = {}) {
  CommandUpdate update;
  update.state = state;
  update.finished_at_ms = finished_at_ms;
  return update;
}

}  // namespace

TEST_CASE_TEMPLATE("a command reads back with every field it was inserted with", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  CommandRecord command = queued_command("op-1");
  command.payload_json = R"({"interval_ms":500})";
  command.state = CommandState::completed;
  command.queued_by_operator = true;
  command.sent_at_ms = 1100;
  command.deadline_ms = 6100;
  command.finished_at_ms = 1200;
  command.response_status = 200;
  command.response_payload_json = R"({"ok":true})";
  command.responded_at_ms = 1200;
  command.job_id = "j-1";
  REQUIRE(f.store->insert(command).ok());
  REQUIRE(f.store->insert(queued_command("c-2")).ok());

  const auto found = f.store->find("op-1");
  REQUIRE(found.ok());
  CHECK(found->id == "op-1");
  CHECK(found->device_id == "boiler-1");
  CHECK(found->name == "reboot");
  CHECK(found->payload_json == R"({"interval_ms":500})");
  CHECK(found->state == CommandState::completed);
  CHECK(found->timeout_ms == 5000);
  CHECK(found->queued_by_operator);
  CHECK(found->created_at_ms == 1000);
  CHECK(found->expires_at_ms == 61000);
  CHECK(found->sent_at_ms == std::optional<std::int64_t>(1100));
  CHECK(found->deadline_ms == std::optional<std::int64_t>(6100));
  CHECK(found->finished_at_ms == std::optional<std::int64_t>(1200));
  CHECK(found->response_status == std::optional<int>(200));
  CHECK(found->response_payload_json == std::optional<std::string>(R"({"ok":true})"));
  CHECK(found->responded_at_ms == std::optional<std::int64_t>(1200));
  CHECK(found->job_id == "j-1");

  const auto plain = f.store->find("c-2");
  REQUIRE(plain.ok());
  CHECK(plain->state == CommandState::queued);
  CHECK_FALSE(plain->queued_by_operator);
  CHECK_FALSE(plain->sent_at_ms.has_value());
  CHECK_FALSE(plain->deadline_ms.has_value());
  CHECK_FALSE(plain->finished_at_ms.has_value());
  CHECK_FALSE(plain->response_status.has_value());
  CHECK_FALSE(plain->response_payload_json.has_value());
  CHECK_FALSE(plain->responded_at_ms.has_value());
  CHECK(plain->job_id.empty());
}

TEST_CASE_TEMPLATE("an id is inserted once; an unknown id is not found", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->insert(queued_command("c-1")).ok());
  CommandRecord other = queued_command("c-1", "boiler-2");
  const Status again = f.store->insert(other);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::conflict);
  CHECK(f.store->find("c-1")->device_id == "boiler-1");  // the first one stays
  CHECK(f.store->find("c-nope").error().code == ErrorCode::not_found);
}

TEST_CASE_TEMPLATE("insert_all stores every command or none of them", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  const std::vector<CommandRecord> job = {queued_command("j-a", "boiler-1"),
                                          queued_command("j-b", "boiler-2"),
                                          queued_command("j-c", "pump-1")};
  REQUIRE(f.store->insert_all(job).ok());
  CHECK(f.store->find("j-b")->device_id == "boiler-2");
  CHECK(f.store->count_queued("pump-1").value() == 1);

  // One id that exists already: nothing of the batch is stored.
  const std::vector<CommandRecord> clashing = {queued_command("k-a", "boiler-1"),
                                               queued_command("j-c", "boiler-3"),
                                               queued_command("k-c", "boiler-3")};
  const Status refused = f.store->insert_all(clashing);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(f.store->find("k-a").error().code == ErrorCode::not_found);
  CHECK(f.store->find("k-c").error().code == ErrorCode::not_found);
  CHECK(f.store->find("j-c")->device_id == "pump-1");
  CHECK(f.store->count_queued("boiler-1").value() == 1);
  CHECK(f.store->insert_all(std::vector<CommandRecord>{}).ok());
}

TEST_CASE_TEMPLATE("a transition happens only from the states the caller expects", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->insert(queued_command("c-1")).ok());
  CommandUpdate sent;
  sent.state = CommandState::sent;
  sent.sent_at_ms = 1100;
  sent.deadline_ms = 6100;
  auto changed = f.store->transition("c-1", {CommandState::queued}, sent);
  REQUIRE(changed.ok());
  CHECK(*changed);
  // Queued no more: a second claim changes nothing.
  changed = f.store->transition("c-1", {CommandState::queued}, to_state(CommandState::cancelled));
  REQUIRE(changed.ok());
  CHECK_FALSE(*changed);
  CHECK(f.store->find("c-1")->state == CommandState::sent);

  // Any of several states; fields the update leaves out are kept.
  CommandUpdate answered;
  answered.state = CommandState::rejected;
  answered.finished_at_ms = 1300;
  answered.response_status = 404;
  answered.response_payload_json = R"({"error":"unknown"})";
  answered.responded_at_ms = 1300;
  changed = f.store->transition("c-1", {CommandState::sent, CommandState::queued}, answered);
  REQUIRE(changed.ok());
  CHECK(*changed);
  const auto done = f.store->find("c-1");
  REQUIRE(done.ok());
  CHECK(done->state == CommandState::rejected);
  CHECK(done->sent_at_ms == std::optional<std::int64_t>(1100));
  CHECK(done->deadline_ms == std::optional<std::int64_t>(6100));
  CHECK(done->finished_at_ms == std::optional<std::int64_t>(1300));
  CHECK(done->response_status == std::optional<int>(404));
  CHECK(done->response_payload_json == std::optional<std::string>(R"({"error":"unknown"})"));
  CHECK(done->responded_at_ms == std::optional<std::int64_t>(1300));

  CHECK(f.store->transition("c-nope", {CommandState::queued}, to_state(CommandState::expired))
            .error()
            .code == ErrorCode::not_found);
  CHECK(f.store->transition("c-1", {}, to_state(CommandState::expired)).error().code ==
        ErrorCode::internal);
  CHECK(f.store
            ->transition("c-1",
                         {CommandState::queued, CommandState::sent, CommandState::completed,
                          CommandState::rejected},
                         to_state(CommandState::expired))
            .error()
            .code == ErrorCode::internal);
  CHECK(f.store->find("c-1")->state == CommandState::rejected);
}

TEST_CASE_TEMPLATE("an answer and a timeout racing each other decide a command once", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  constexpr int kCommands = 50;
  for (int i = 0; i < kCommands; ++i) {
    CommandRecord command = queued_command("c-" + std::to_string(i));
    command.state = CommandState::sent;
    REQUIRE(f.store->insert(command).ok());
  }
  std::atomic<int> decided{0};
  auto decide = [&](CommandState final_state) {
    for (int i = 0; i < kCommands; ++i) {
      auto changed = f.store->transition("c-" + std::to_string(i), {CommandState::sent},
                                         to_state(final_state, 2000));
      if (changed.ok() && *changed) ++decided;
    }
  };
  std::thread answer(decide, CommandState::completed);
  std::thread timeout(decide, CommandState::timed_out);
  answer.join();
  timeout.join();
  CHECK(decided == kCommands);
}

TEST_CASE_TEMPLATE("a late answer is recorded once and leaves the state", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  CommandRecord command = queued_command("c-1");
  command.state = CommandState::timed_out;
  command.finished_at_ms = 7000;
  REQUIRE(f.store->insert(command).ok());
  auto recorded = f.store->record_late_answer("c-1", 200, R"({"late":true})", 7500);
  REQUIRE(recorded.ok());
  CHECK(*recorded);
  recorded = f.store->record_late_answer("c-1", 500, "null", 7600);
  REQUIRE(recorded.ok());
  CHECK_FALSE(*recorded);  // the first answer stays
  const auto late = f.store->find("c-1");
  REQUIRE(late.ok());
  CHECK(late->state == CommandState::timed_out);
  CHECK(late->finished_at_ms == std::optional<std::int64_t>(7000));
  CHECK(late->response_status == std::optional<int>(200));
  CHECK(late->response_payload_json == std::optional<std::string>(R"({"late":true})"));
  CHECK(late->responded_at_ms == std::optional<std::int64_t>(7500));

  recorded = f.store->record_late_answer("c-nope", 200, "null", 7500);
  REQUIRE(recorded.ok());
  CHECK_FALSE(*recorded);
}

TEST_CASE_TEMPLATE("a device's queue: its queued commands only, oldest first, and their count",
                   Fixture, COMMAND_STORE_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->insert(queued_command("c-late", "boiler-1", 3000)).ok());
  REQUIRE(f.store->insert(queued_command("c-early", "boiler-1", 1000)).ok());
  REQUIRE(f.store->insert(queued_command("c-same-ms", "boiler-1", 3000)).ok());
  REQUIRE(f.store->insert(queued_command("c-other", "boiler-2", 500)).ok());
  REQUIRE(f.store->insert(queued_command("c-sent", "boiler-1", 200)).ok());
  REQUIRE(*f.store->transition("c-sent", {CommandState::queued}, to_state(CommandState::sent)));

  CHECK(ids_of(f.store->queued_for("boiler-1")) ==
        std::vector<std::string>{"c-early", "c-late", "c-same-ms"});
  CHECK(*f.store->count_queued("boiler-1") == 3);
  CHECK(*f.store->count_queued("boiler-2") == 1);
  CHECK(*f.store->count_queued("nobody") == 0);
  CHECK(ids_of(f.store->queued_for("nobody")).empty());
}

TEST_CASE_TEMPLATE("counts by state: every command once, in the state it is in now", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  CHECK(f.store->count_by_state()->empty());
  REQUIRE(f.store->insert(queued_command("c-1", "boiler-1", 1000)).ok());
  REQUIRE(f.store->insert(queued_command("c-2", "boiler-1", 2000)).ok());
  REQUIRE(f.store->insert(queued_command("c-3", "boiler-2", 3000)).ok());
  REQUIRE(*f.store->transition("c-2", {CommandState::queued}, to_state(CommandState::sent)));
  REQUIRE(*f.store->transition("c-3", {CommandState::queued}, to_state(CommandState::sent)));
  REQUIRE(
      *f.store->transition("c-3", {CommandState::sent}, to_state(CommandState::completed, 4000)));

  const auto counts = f.store->count_by_state();
  REQUIRE(counts.ok());
  CHECK(*counts == std::map<CommandState, std::size_t>{{CommandState::queued, 1},
                                                       {CommandState::sent, 1},
                                                       {CommandState::completed, 1}});
}

TEST_CASE_TEMPLATE("overdue: queued past expiry and sent past deadline, nothing else", Fixture,
                   COMMAND_STORE_FIXTURES) {
  Fixture f;
  CommandRecord expiring = queued_command("c-expiring", "boiler-1", 1000);  // expires 61000
  CommandRecord waiting = queued_command("c-waiting", "boiler-1", 2000);    // expires 62000
  CommandRecord sent = queued_command("c-sent", "boiler-2", 500);
  sent.state = CommandState::sent;
  sent.deadline_ms = 61000;
  CommandRecord sent_later = queued_command("c-sent-later", "boiler-2", 600);
  sent_later.state = CommandState::sent;
  sent_later.deadline_ms = 61001;
  CommandRecord done = queued_command("c-done", "boiler-2", 100);  // expiry passed, but final
  done.state = CommandState::completed;
  done.finished_at_ms = 200;
  for (const auto& command : {expiring, waiting, sent, sent_later, done}) {
    REQUIRE(f.store->insert(command).ok());
  }
  CHECK(ids_of(f.store->overdue(60999)).empty());
  CHECK(ids_of(f.store->overdue(61000)) == std::vector<std::string>{"c-sent", "c-expiring"});
}

TEST_CASE_TEMPLATE("listing filters by device, state and job, newest first, up to the limit",
                   Fixture, COMMAND_STORE_FIXTURES) {
  Fixture f;
  CommandRecord a = queued_command("c-a", "boiler-1", 1000);
  CommandRecord b = queued_command("c-b", "boiler-1", 2000);
  b.job_id = "j-1";
  CommandRecord c = queued_command("c-c", "boiler-2", 2000);
  c.job_id = "j-1";
  CommandRecord d = queued_command("c-d", "boiler-1", 2000);  // same ms as b, inserted later
  for (const auto& command : {a, b, c, d}) REQUIRE(f.store->insert(command).ok());
  REQUIRE(
      *f.store->transition("c-a", {CommandState::queued}, to_state(CommandState::cancelled, 3000)));

  CHECK(ids_of(f.store->list({})) == std::vector<std::string>{"c-d", "c-c", "c-b", "c-a"});
  CHECK(ids_of(f.store->list({.device_id = "boiler-1"})) ==
        std::vector<std::string>{"c-d", "c-b", "c-a"});
  CHECK(ids_of(f.store->list({.state = CommandState::queued})) ==
        std::vector<std::string>{"c-d", "c-c", "c-b"});
  CHECK(ids_of(f.store->list({.job_id = "j-1"})) == std::vector<std::string>{"c-c", "c-b"});
  CHECK(ids_of(f.store->list({.device_id = "boiler-1", .state = CommandState::cancelled})) ==
        std::vector<std::string>{"c-a"});
  CHECK(ids_of(f.store->list({.limit = 2})) == std::vector<std::string>{"c-d", "c-c"});
  CHECK(ids_of(f.store->list({.limit = 0})).empty());
  CHECK(ids_of(f.store->list({.device_id = "nobody"})).empty());
}

TEST_CASE_TEMPLATE(
    "retention forgets final commands finished before the age limit, never a "
    "pending one",
    Fixture, COMMAND_STORE_FIXTURES) {
  Fixture f;
  for (const char* id : {"c-old", "c-edge", "c-queued", "c-sent"}) {
    REQUIRE(f.store->insert(queued_command(id)).ok());
  }
  REQUIRE(
      *f.store->transition("c-old", {CommandState::queued}, to_state(CommandState::expired, 4999)));
  REQUIRE(*f.store->transition("c-edge", {CommandState::queued},
                               to_state(CommandState::cancelled, 5000)));
  REQUIRE(*f.store->transition("c-sent", {CommandState::queued}, to_state(CommandState::sent)));
  auto forgotten = f.store->forget_finished(5000, 1000);
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 1);
  CHECK(f.store->find("c-old").error().code == ErrorCode::not_found);
  CHECK(f.store->find("c-edge").ok());  // finished at the limit, not before it
  forgotten = f.store->forget_finished(100000, 1000);
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 1);
  CHECK(ids_of(f.store->list({})) == std::vector<std::string>{"c-sent", "c-queued"});
}

TEST_CASE_TEMPLATE(
    "retention keeps at most the given number of final commands, the earliest "
    "finished go first",
    Fixture, COMMAND_STORE_FIXTURES) {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(f.store->insert(queued_command("c-" + std::to_string(i))).ok());
  }
  // Finished in the order 2, 0, 3, 1; c-4 stays queued.
  std::int64_t at = 2000;
  for (const char* id : {"c-2", "c-0", "c-3", "c-1"}) {
    REQUIRE(*f.store->transition(id, {CommandState::queued},
                                 to_state(CommandState::cancelled, at += 10)));
  }
  auto forgotten = f.store->forget_finished(0, 2);
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 2);
  CHECK(f.store->find("c-2").error().code == ErrorCode::not_found);
  CHECK(f.store->find("c-0").error().code == ErrorCode::not_found);
  CHECK(f.store->find("c-3").ok());
  CHECK(f.store->find("c-1").ok());
  CHECK(f.store->find("c-4").ok());
  forgotten = f.store->forget_finished(0, 2);
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 0);
  forgotten = f.store->forget_finished(0, 0);  // keep none: every final command goes
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 2);
  CHECK(ids_of(f.store->list({})) == std::vector<std::string>{"c-4"});
}
