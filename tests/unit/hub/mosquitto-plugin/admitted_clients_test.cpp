#include "mosquitto-plugin/admitted_clients.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;
using namespace edgehub::hub::mosquitto_auth;

namespace {
// Stand-ins for the broker's per-connection contexts.
const int first_connection = 0;
const int second_connection = 0;
const ConnectionHandle kFirst = &first_connection;
const ConnectionHandle kSecond = &second_connection;
constexpr bool kSessionEnds = true;
constexpr bool kSessionKept = false;
}  // namespace

TEST_CASE("an admitted connection has its role; other connections of the same name have none") {
  AdmittedClients clients;
  clients.admit("boiler-1", DeviceRole::device, kFirst);
  CHECK(clients.role_of("boiler-1", kFirst) == DeviceRole::device);
  CHECK_FALSE(clients.role_of("boiler-1", kSecond).has_value());
  CHECK_FALSE(clients.role_of("boiler-2", kFirst).has_value());
}

TEST_CASE("a clean-session disconnect forgets the connection") {
  AdmittedClients clients;
  clients.admit("boiler-1", DeviceRole::device, kFirst);
  clients.disconnected("boiler-1", kFirst, kSessionEnds);
  CHECK_FALSE(clients.role_of("boiler-1", kFirst).has_value());
  CHECK(clients.size() == 0);
}

TEST_CASE("a persistent session keeps its role while offline so commands can be queued for it") {
  AdmittedClients clients;
  clients.admit("boiler-1", DeviceRole::device, kFirst);
  clients.disconnected("boiler-1", kFirst, kSessionKept);
  CHECK(clients.role_of("boiler-1", kFirst) == DeviceRole::device);
}

TEST_CASE("session takeover: the old connection's disconnect does not disarm the new one") {
  AdmittedClients clients;
  clients.admit("boiler-1", DeviceRole::device, kFirst);
  clients.admit("boiler-1", DeviceRole::device, kSecond);  // same client id connects again
  clients.disconnected("boiler-1", kFirst, kSessionEnds);  // broker drops the old one
  CHECK(clients.role_of("boiler-1", kSecond) == DeviceRole::device);
  CHECK_FALSE(clients.role_of("boiler-1", kFirst).has_value());
}

TEST_CASE("a reconnect replaces the entry of the offline session it takes over") {
  AdmittedClients clients;
  clients.admit("hubd", DeviceRole::service, kFirst);
  clients.disconnected("hubd", kFirst, kSessionKept);
  clients.admit("hubd", DeviceRole::service, kSecond);
  CHECK(clients.size() == 1);
  CHECK(clients.role_of("hubd", kSecond) == DeviceRole::service);
}

TEST_CASE("a revoked identity loses its role on every connection, online or offline") {
  AdmittedClients clients;
  clients.admit("boiler-1", DeviceRole::device, kFirst);
  clients.admit("boiler-2", DeviceRole::device, kSecond);
  clients.disconnected("boiler-2", kSecond, kSessionKept);
  CHECK(clients.revoke("boiler-1"));
  CHECK(clients.revoke("boiler-2"));
  CHECK_FALSE(clients.revoke("boiler-3"));
  CHECK_FALSE(clients.role_of("boiler-1", kFirst).has_value());
  CHECK_FALSE(clients.role_of("boiler-2", kSecond).has_value());
}

TEST_CASE("a refused restored session is known but has no role, until its client is admitted") {
  AdmittedClients clients;
  CHECK_FALSE(clients.knows("boiler-1"));
  clients.refuse("boiler-1", kFirst);
  CHECK(clients.knows("boiler-1"));
  CHECK_FALSE(clients.role_of("boiler-1", kFirst).has_value());
  clients.admit("boiler-1", DeviceRole::device, kSecond);
  CHECK(clients.role_of("boiler-1", kSecond) == DeviceRole::device);
}
