#include "mosquitto-plugin/journal_flow_notices.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace edgehub::hub::mosquitto_auth;
using namespace std::chrono_literals;

namespace {

const SteadyTime t0{};

}  // namespace

TEST_CASE("a refused device gets a paused notice when it connects again, not before") {
  JournalFlowNotices notices(5000ms);
  CHECK_FALSE(notices.connected("d1", t0));  // never refused: nothing owed
  REQUIRE(notices.refused("d1", JournalRefusal::write_failed, t0));
  CHECK(notices.paused_devices() == 1);
  CHECK_FALSE(notices.connected("d2", t0 + 100ms));  // another device owes nothing
  CHECK(notices.connected("d1", t0 + 100ms));
  CHECK_FALSE(notices.connected("d1", t0 + 200ms));  // sent: owed no more
}

TEST_CASE("at most one paused notice per device per retry_after, however often it is refused") {
  JournalFlowNotices notices(5000ms);
  REQUIRE(notices.refused("d1", JournalRefusal::write_failed, t0));
  REQUIRE(notices.connected("d1", t0 + 100ms));
  // It resent before the notice arrived, and again after reconnecting.
  notices.refused("d1", JournalRefusal::write_failed, t0 + 150ms);
  CHECK_FALSE(notices.connected("d1", t0 + 400ms));
  notices.refused("d1", JournalRefusal::write_failed, t0 + 5099ms);
  CHECK_FALSE(notices.connected("d1", t0 + 5099ms));
  // Its probe after retry_after is refused: a new notice is due.
  notices.refused("d1", JournalRefusal::write_failed, t0 + 5100ms);
  CHECK(notices.connected("d1", t0 + 5200ms));
}

TEST_CASE("after a write failure only a successful write resumes the paused devices") {
  JournalFlowNotices notices(5000ms);
  CHECK(notices.resume_if_recovered(true).empty());  // nobody paused
  notices.refused("d1", JournalRefusal::write_failed, t0);
  notices.refused("d2", JournalRefusal::over_budget, t0);
  // The budget has room, but the disk was full or read-only: no evidence.
  CHECK(notices.resume_if_recovered(true).empty());
  notices.written();
  notices.refused("d3", JournalRefusal::write_failed, t0 + 1s);  // failing again after it
  CHECK(notices.resume_if_recovered(true).empty());
  notices.written();  // a probe after retry_after went through
  CHECK(notices.resume_if_recovered(false) == std::vector<std::string>{"d1", "d2", "d3"});
  CHECK(notices.paused_devices() == 0);
  CHECK(notices.resume_if_recovered(true).empty());  // resumed once
  CHECK_FALSE(notices.connected("d1", t0 + 2s));
}

TEST_CASE("refusals over the budget end when the budget has room again") {
  JournalFlowNotices notices(5000ms);
  notices.refused("d1", JournalRefusal::over_budget, t0);
  CHECK(notices.resume_if_recovered(false).empty());
  CHECK(notices.resume_if_recovered(true) == std::vector<std::string>{"d1"});
  // The next pause starts afresh: a write failure needs a write again.
  notices.refused("d1", JournalRefusal::write_failed, t0 + 10s);
  CHECK(notices.resume_if_recovered(true).empty());
}

TEST_CASE("a write before any refusal is no evidence for a later pause") {
  JournalFlowNotices notices(5000ms);
  notices.written();
  notices.refused("d1", JournalRefusal::write_failed, t0);
  CHECK(notices.resume_if_recovered(true).empty());
}

TEST_CASE("a device resumed and refused again is owed a notice at once") {
  JournalFlowNotices notices(5000ms);
  notices.refused("d1", JournalRefusal::over_budget, t0);
  REQUIRE(notices.connected("d1", t0 + 100ms));
  REQUIRE(notices.resume_if_recovered(true).size() == 1);
  notices.refused("d1", JournalRefusal::over_budget, t0 + 1s);
  CHECK(notices.connected("d1", t0 + 1100ms));
}

TEST_CASE("the set of paused devices is bounded") {
  JournalFlowNotices notices(5000ms, 2);
  CHECK(notices.refused("d1", JournalRefusal::write_failed, t0));
  CHECK(notices.refused("d2", JournalRefusal::write_failed, t0));
  CHECK_FALSE(notices.refused("d3", JournalRefusal::write_failed, t0));
  CHECK(notices.refused("d1", JournalRefusal::write_failed, t0 + 1s));  // known: still tracked
  CHECK(notices.paused_devices() == 2);
  CHECK_FALSE(notices.connected("d3", t0 + 1s));
}

TEST_CASE("the notices are protocol section 3.2's format") {
  JournalFlowNotices notices(2500ms);
  CHECK(notices.paused_notice() ==
        R"({"state":"paused","reason":"journal_unavailable","retry_after_ms":2500})");
  CHECK(JournalFlowNotices::resumed_notice() ==
        R"({"state":"resumed","reason":"journal_unavailable"})");
}
