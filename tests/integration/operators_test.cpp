// Operators with roles against a real hubd (issue 14): every route of the
// server's role table (hub/api/route_roles.cpp; hubd does not start with a
// route that has no row there) x every kind of caller gets the status its
// role allows; every write is in the `audit` stream; hubctl manages
// operators; and over HTTPS hubctl checks the hub's CA and host name.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "api/route_roles.h"
#include "support/command.h"
#include "support/hub_under_test.h"
#include "support/programs.h"
#include "support/temp_dir.h"

using namespace edgehub;
using namespace edgehub::itest;
using namespace std::chrono_literals;

namespace {

// A concrete path for a route pattern: each captured segment names nothing
// that exists, so that the handlers that run answer 4xx and change nothing.
std::string sample_path(std::string_view pattern) {
  std::string path(pattern);
  for (std::size_t at = path.find("([^/]+)"); at != std::string::npos; at = path.find("([^/]+)")) {
    path.replace(at, 7, "no-such-thing");
  }
  return path;
}

std::string add_operator(const HubUnderTest& hub, const std::string& name,
                         const std::string& role) {
  const HttpReply made =
      hub.post("/api/v1/operators", nlohmann::json{{"name", name}, {"role", role}});
  REQUIRE_MESSAGE(made.status == 201, made.describe());
  REQUIRE(made.json.at("role") == role);
  return made.json.at("token").get<std::string>();
}

struct Caller {
  std::string label;
  std::string token;
  std::optional<hub::Role> role;  // nullopt: no valid token
};

}  // namespace

TEST_CASE("every route x every caller: 401 without a valid token, 403 naming the role, else run") {
  HubUnderTest hub({.name = "roles"});
  const std::string revoked_token = add_operator(hub, "gone", "admin");
  REQUIRE(hub.del("/api/v1/operators/gone").status == 204);
  const std::vector<Caller> callers{
      {"no token", "", std::nullopt},
      {"unknown token", std::string(64, 'f'), std::nullopt},
      {"revoked token", revoked_token, std::nullopt},
      {"viewer", add_operator(hub, "vera", "viewer"), hub::Role::viewer},
      {"operator", add_operator(hub, "otto", "operator"), hub::Role::operator_},
      {"admin", add_operator(hub, "ada", "admin"), hub::Role::admin},
  };
  const auto audit_before = hub.record_count("audit");

  std::size_t audited_writes = 0;
  std::size_t checked = 0;
  for (const hub::RouteRole& route : hub::route_roles()) {
    const std::string method(route.method);
    const std::string path = sample_path(route.pattern);
    const bool write = method != "GET";
    for (const Caller& caller : callers) {
      const HttpReply reply =
          hub.call(method, path, caller.token,
                   write ? std::optional(nlohmann::json::object()) : std::nullopt);
      INFO(method << " " << path << " as " << caller.label << ": " << reply.describe());
      ++checked;
      if (route.required == hub::Role::none) {
        CHECK(reply.status == 200);
        continue;
      }
      if (!caller.role) {
        CHECK(reply.status == 401);
        continue;
      }
      if (write) ++audited_writes;
      if (hub::role_allows(*caller.role, route.required)) {
        CHECK(reply.status != 401);
        CHECK(reply.status != 403);
        CHECK(reply.status != 0);
      } else {
        CHECK(reply.status == 403);
        CHECK(reply.json.value("required_role", "") == hub::role_name(route.required));
      }
    }
  }
  CHECK(checked == hub::route_roles().size() * callers.size());

  // Every write by an operator is in the audit stream, refused ones too.
  const auto records = hub.read_stream("audit");
  REQUIRE(records.size() >= audit_before + audited_writes);
  std::map<std::string, std::size_t> by_operator;
  bool viewer_refused_command = false;
  for (std::size_t i = audit_before; i < records.size(); ++i) {
    const nlohmann::json& payload = records[i].at("payload");
    ++by_operator[payload.at("operator").get<std::string>()];
    if (payload.at("operator") == "vera" && payload.at("method") == "POST" &&
        payload.at("route") == "/api/v1/devices/{device}/commands") {
      viewer_refused_command = payload.at("status") == 403 &&
                               payload.at("target") == "no-such-thing" &&
                               payload.at("path") == "/api/v1/devices/no-such-thing/commands";
    }
  }
  CHECK(records.size() - audit_before == audited_writes);
  CHECK(viewer_refused_command);
  CHECK(by_operator["vera"] == by_operator["otto"]);
  CHECK(by_operator["otto"] == by_operator["ada"]);
  CHECK(by_operator.count("gone") == 0);
}

TEST_CASE("hubctl manages operators; a revoked operator is refused at its next request") {
  HubUnderTest hub({.name = "hubctl-operators"});
  const CommandResult added = hub.hubctl({"operators", "add", "carol", "--role", "operator"});
  REQUIRE_MESSAGE(added.exited_with(0), added.describe());
  const std::string token = added.out.substr(0, added.out.find('\n'));
  CHECK(token.size() == 64);
  CHECK(added.err.find("shown only now") != std::string::npos);

  const CommandResult listed = hub.hubctl({"operators", "list"});
  REQUIRE(listed.exited_with(0));
  CHECK(listed.out.find("carol") != std::string::npos);
  CHECK(listed.out.find("admin") != std::string::npos);  // the api-token file's operator
  CHECK(listed.out.find(token) == std::string::npos);    // tokens are never shown again

  CHECK(hub.call("GET", "/api/v1/devices", token).status == 200);
  CHECK(hub.call("GET", "/api/v1/operators", token).status == 403);
  REQUIRE(hub.hubctl({"operators", "revoke", "carol"}).exited_with(0));
  CHECK(hub.call("GET", "/api/v1/devices", token).status == 401);

  // The token file's admin cannot be revoked while it is the last admin.
  const CommandResult last = hub.hubctl({"operators", "revoke", "admin"});
  CHECK(last.exited_with(6));
  CHECK(last.err.find("last admin") != std::string::npos);
  // The audit stream holds the two writes, readable like any stream.
  const CommandResult audit = hub.hubctl({"--json", "streams", "read", "audit"});
  REQUIRE(audit.exited_with(0));
  CHECK(audit.out.find("/api/v1/operators/{operator}") != std::string::npos);
}

TEST_CASE("https: hubctl trusts the hub's CA and checks the host name") {
  HubUnderTest hub({.name = "https", .https = true});
  REQUIRE(hub.url().rfind("https://", 0) == 0);
  // hub.hubctl passes --data-dir: the CA is the hub's own pki/ca.pem.
  const CommandResult added = hub.hubctl({"operators", "add", "vic", "--role", "viewer"});
  REQUIRE_MESSAGE(added.exited_with(0), added.describe());
  const std::string viewer = added.out.substr(0, added.out.find('\n'));
  const std::string operator_token =
      hub.hubctl({"operators", "add", "opal", "--role", "operator"}).out.substr(0, 64);
  const std::string ca = hub.ca_certificate().string();
  const auto hubctl = [&](const std::string& url, const std::string& token,
                          const std::string& ca_file, std::vector<std::string> arguments) {
    std::vector<std::string> argv{
        Programs::hubctl().string(), "--hub", url, "--token", token, "--ca-file", ca_file};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_command(argv, 30s);
  };

  const CommandResult viewer_reads = hubctl(hub.url(), viewer, ca, {"devices", "list"});
  CHECK_MESSAGE(viewer_reads.exited_with(0), viewer_reads.describe());
  const CommandResult viewer_sends = hubctl(hub.url(), viewer, ca, {"send", "nobody", "ping"});
  CHECK_MESSAGE(viewer_sends.exited_with(7), viewer_sends.describe());
  CHECK(viewer_sends.err.find("role operator") != std::string::npos);
  const CommandResult operator_sends =
      hubctl(hub.url(), operator_token, ca, {"send", "nobody", "ping"});
  CHECK_MESSAGE(operator_sends.exited_with(3), operator_sends.describe());  // no such device

  // Another CA: the hub's certificate is not trusted.
  TempDir other("other-ca");
  run_command_checked(
      {Programs::openssl().string(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:P-256", "-nodes", "-keyout", (other.path() / "ca.key").string(), "-out",
       (other.path() / "ca.pem").string(), "-subj", "/CN=not the hub", "-days", "1"});
  const CommandResult wrong_ca =
      hubctl(hub.url(), viewer, (other.path() / "ca.pem").string(), {"devices", "list"});
  CHECK_MESSAGE(wrong_ca.exited_with(5), wrong_ca.describe());
  CHECK(wrong_ca.err.find("not trusted") != std::string::npos);

  // A name the certificate does not hold: "127.1" reaches 127.0.0.1 (the
  // resolver reads it as that address) but is not one of its names.
  const std::string other_name = "https://127.1:" + std::to_string(hub.http_port());
  const CommandResult wrong_name = hubctl(other_name, viewer, ca, {"devices", "list"});
  CHECK_MESSAGE(wrong_name.exited_with(5), wrong_name.describe());
  CHECK(wrong_name.err.find("host name") != std::string::npos);

  // Plain HTTP to the HTTPS port: no answer that could leak anything.
  const CommandResult plain = hubctl("http://127.0.0.1:" + std::to_string(hub.http_port()), viewer,
                                     ca, {"devices", "list"});
  CHECK_FALSE(plain.exited_with(0));
}
