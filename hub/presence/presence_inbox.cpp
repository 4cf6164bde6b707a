#include "presence/presence_inbox.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "journal/file_commit_attempts.h"
#include "journal/file_journal.h"
#include "presence/device_limit_hits.h"
#include "presence/presence_event.h"
#include "presence/presence_tracker.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

PresenceInbox::PresenceInbox(PresenceTracker& tracker, DeviceLimitHits& limit_hits,
                             StreamStore& dead_letters, PresenceFollowUps follow_ups,
                             PresenceInboxSettings settings)
    : tracker_(tracker),
      limit_hits_(limit_hits),
      dead_letters_(dead_letters),
      follow_ups_(std::move(follow_ups)) {
  const std::uint64_t applied = tracker_.inbox_position();
  auto journal = FileJournal::open(settings.journal_dir, FileJournalSettings{}, applied + 1);
  if (!journal) throw std::runtime_error("presence inbox: " + journal.error().message);
  journal_ = std::move(*journal);
  for (const std::string& note : journal_->notes()) spdlog::warn("presence inbox: {}", note);
  auto attempts = FileCommitAttempts::open(settings.journal_dir / "commit-attempt");
  if (!attempts) throw std::runtime_error("presence inbox: " + attempts.error().message);
  attempts_ = std::move(*attempts);
  // The events are in the journal: a store outage is waited out, never ends hubd.
  settings.commit.retry_forever = true;
  commit_ = std::make_unique<GroupCommit>(
      *journal_, [this](std::span<const JournalEntry> entries) { return apply(entries); },
      settings.commit,
      [](const Error& error) {
        spdlog::warn(
            "presence inbox: stopped while presence cannot be recorded ({}); the journaled "
            "events are applied at the next start",
            error.message);
      },
      PoisonGuard{attempts_.get(), [this](const JournalEntry& entry, std::string_view reason) {
                    return set_aside(entry, reason);
                  }});
  auto recovered = commit_->recover(applied);
  if (!recovered) {
    throw std::runtime_error("presence inbox: cannot apply the journaled events: " +
                             recovered.error().message);
  }
  if (*recovered > 0) {
    spdlog::info("presence inbox: applied {} events received before this start", *recovered);
  }
}

PresenceInbox::~PresenceInbox() { stop(); }

void PresenceInbox::start() { commit_->start(); }

void PresenceInbox::stop() {
  if (commit_) commit_->stop();
}

Status PresenceInbox::submit(std::int64_t received_at_ms, std::string_view topic,
                             std::string_view payload) {
  return commit_->submit(received_at_ms, topic, payload);
}

PresenceInboxStats PresenceInbox::stats() const {
  return PresenceInboxStats{commit_->backlog(), commit_->set_aside_count(), commit_->store_error()};
}

Status PresenceInbox::apply(std::span<const JournalEntry> entries) {
  std::vector<PresenceEvent> events;
  events.reserve(entries.size());
  for (const JournalEntry& entry : entries) {
    auto event = parse_presence_event(entry.topic, entry.payload);
    if (!event) {
      // Only the broker plugin publishes here: a bad event is a bug, not input.
      spdlog::error("presence: ignoring {}: {}", entry.topic, event.error().message);
      continue;
    }
    if (event->kind == PresenceEvent::Kind::limited) {
      // Rare (the plugin reports a device and limit at most twice a minute):
      // a record each; a retried batch finds them by seq and counts them once.
      if (Status recorded = limit_hits_.record(*event); !recorded) return recorded;
    }
    events.push_back(std::move(*event));
  }
  if (Status applied = tracker_.apply_batch(events, entries.back().sequence); !applied) {
    return applied;
  }
  // Queued commands and the twin go out when the device has subscribed to
  // the topic they travel on, not when it connected: on a device's first
  // connection the subscription does not exist yet and a message published
  // then is lost. The tracker notes the subscription first: a synchronous
  // command publishes at once only to a device whose connection has subscribed.
  for (const PresenceEvent& event : events) {
    if (event.kind == PresenceEvent::Kind::limited) {
      // The plugin reports a device over a limit (it disconnected or refused it).
      spdlog::warn(
          "limits: {} over {} ({} hit(s)): {}",
          event.device_id.empty() ? std::string("connections") : "'" + event.device_id + "'",
          event.limit, event.hits, event.reason);
    } else if (event.kind == PresenceEvent::Kind::subscribed) {
      const auto& follow_up = event.subscribed_to == "commands" ? follow_ups_.subscribed_to_commands
                                                                : follow_ups_.subscribed_to_desired;
      if (follow_up) follow_up(event.device_id);
    }
  }
  return ok_status();
}

// An entry hubd died on while applying it: kept as a dead letter (where
// operators look for what the hub could not process), and passed.
Status PresenceInbox::set_aside(const JournalEntry& entry, std::string_view reason) {
  spdlog::error("presence inbox: event {} on {} ({} bytes) set aside as a dead letter: {}",
                entry.sequence, entry.topic, entry.payload.size(), reason);
  auto stored = dead_letters_.append(
      make_dead_letter(entry.topic, "", entry.payload, std::string(reason), entry.received_at_ms));
  if (!stored) return stored.error();
  return tracker_.apply_batch({}, entry.sequence);
}

}  // namespace edgehub::hub
