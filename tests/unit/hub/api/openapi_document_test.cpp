// docs/openapi.json against the route -> role table (hub/api/route_roles.cpp),
// both ways, and the document hubd serves at GET /api/v1/openapi.json. A
// route added, renamed or given another role fails here until the document
// says so too.
#include "api/openapi_document.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "api/route_roles.h"
#include "rest_server_fixture.h"

using namespace edgehub::hub;
using nlohmann::json;

namespace {

std::string file_text() {
  std::ifstream file(EDGEHUB_OPENAPI_JSON, std::ios::binary);
  REQUIRE_MESSAGE(file.good(), "cannot read " << EDGEHUB_OPENAPI_JSON);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

const json& document() {
  static const json parsed = json::parse(file_text());
  return parsed;
}

std::string lower(std::string_view method) {
  std::string text(method);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const std::set<std::string> kMethods{"get", "put", "post", "delete", "patch", "head", "options"};

// The value a "$ref" names ("#/components/schemas/Device"); null if none.
const json* resolve(const std::string& reference) {
  if (reference.rfind("#/", 0) != 0) return nullptr;
  const json::json_pointer pointer(reference.substr(1));
  if (!document().contains(pointer)) return nullptr;
  return &document().at(pointer);
}

// A parameter or response as written, or what its $ref names.
const json& followed(const json& given) {
  if (given.contains("$ref")) {
    const json* target = resolve(given["$ref"].get<std::string>());
    REQUIRE_MESSAGE(target != nullptr, "unresolved " << given["$ref"]);
    return *target;
  }
  return given;
}

void collect_references(const json& value, const std::string& where,
                        std::vector<std::pair<std::string, std::string>>& found) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key == "$ref" && member.is_string()) found.emplace_back(where, member);
      collect_references(member, where + "/" + key, found);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      collect_references(value[i], where + "/" + std::to_string(i), found);
    }
  }
}

}  // namespace

TEST_CASE("the document is OpenAPI 3 with the bearer scheme as the default security") {
  const json& doc = document();
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  CHECK(doc["components"]["securitySchemes"]["bearer"]["type"] == "http");
  CHECK(doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
  CHECK(doc["security"] == json::parse(R"([{"bearer": []}])"));
  const json& error = doc["components"]["schemas"]["Error"];
  CHECK(error["required"] == json::array({"error"}));
  CHECK(error["properties"]["error"]["required"] == json::array({"code", "message"}));
}

TEST_CASE("every route of the role table is described, with its template and role") {
  const json& paths = document()["paths"];
  for (const RouteRole& row : route_roles()) {
    const std::string path = route_template(row.pattern);
    const std::string method = lower(row.method);
    INFO("route_roles.cpp has " << row.method << " " << path);
    // CHECK, not REQUIRE: one run names every route the document lacks.
    if (!paths.contains(path) || !paths[path].contains(method)) {
      FAIL_CHECK("docs/openapi.json does not describe " << row.method << " " << path);
      continue;
    }
    CHECK(paths[path][method]["x-required-role"] == std::string(role_name(row.required)));
  }
}

TEST_CASE("every operation of the document is a route of the role table") {
  std::set<std::pair<std::string, std::string>> table;
  for (const RouteRole& row : route_roles()) {
    table.emplace(lower(row.method), route_template(row.pattern));
  }
  std::size_t operations = 0;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      ++operations;
      CHECK_MESSAGE(table.count({method, path}) == 1,
                    "docs/openapi.json describes " << method << " " << path
                                                   << ", which hub/api/route_roles.cpp lacks");
    }
  }
  CHECK(operations == route_roles().size());
}

TEST_CASE("every $ref of the document resolves") {
  std::vector<std::pair<std::string, std::string>> references;
  collect_references(document(), "", references);
  CHECK(references.size() > 100);
  for (const auto& [where, reference] : references) {
    CHECK_MESSAGE(resolve(reference) != nullptr, where << ": " << reference << " names nothing");
  }
}

TEST_CASE("every path parameter of a template is declared, and only those") {
  const std::regex segment(R"(\{([^}]+)\})");
  for (const auto& [path, item] : document()["paths"].items()) {
    std::set<std::string> in_template;
    for (std::sregex_iterator it(path.begin(), path.end(), segment), end; it != end; ++it) {
      in_template.insert((*it)[1].str());
    }
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      INFO(method << " " << path);
      std::set<std::string> declared;
      for (const json* parameters : {&item, &operation}) {
        if (!parameters->contains("parameters")) continue;
        for (const json& given : (*parameters)["parameters"]) {
          const json& declared_parameter = followed(given);
          if (declared_parameter["in"] != "path") continue;
          CHECK(declared_parameter["required"] == true);
          declared.insert(declared_parameter["name"].get<std::string>());
        }
      }
      CHECK(declared == in_template);
    }
  }
}

TEST_CASE("each operation says what it does, what it answers and who may call it") {
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      INFO(method << " " << path);
      CHECK_FALSE(operation.value("summary", "").empty());
      const json& responses = operation["responses"];
      bool success = false;
      for (const auto& [status, response] : responses.items()) {
        success = success || status.front() == '2';
        CHECK_FALSE(followed(response).value("description", "").empty());
      }
      CHECK(success);
      const std::string role = operation["x-required-role"];
      if (role == "none") {
        // Open: no token asked for, so no 401 or 403.
        CHECK(operation["security"] == json::array());
        CHECK_FALSE(responses.contains("401"));
        CHECK_FALSE(responses.contains("403"));
      } else if (role == "viewer") {
        // Every operator holds at least viewer: a valid token is never 403 here.
        CHECK_FALSE(operation.contains("security"));
        CHECK(responses.contains("401"));
        CHECK_FALSE(responses.contains("403"));
      } else {
        CHECK_FALSE(operation.contains("security"));
        CHECK(responses.contains("401"));
        REQUIRE(responses.contains("403"));
        const std::string forbidden = responses["403"]["description"];
        CHECK_MESSAGE(forbidden.find("needs role " + role) != std::string::npos, forbidden);
      }
    }
  }
}

TEST_CASE_FIXTURE(edgehub::test::ServerFixture,
                  "hubd serves the document it was built with, without a token") {
  // Compared as booleans: a failure would print 100 kB twice.
  const bool built_in = openapi_document() == file_text();
  CHECK_MESSAGE(built_in, "the hub was built with another docs/openapi.json: rebuild");
  auto http = client();
  auto served = http.Get("/api/v1/openapi.json");
  REQUIRE(served);
  CHECK(served->status == 200);
  CHECK(served->get_header_value("Content-Type") == "application/json");
  const bool served_as_built = served->body == openapi_document();
  CHECK(served_as_built);
  // Open by the route table, not by a rule of its own: POST is still refused.
  auto posted = http.Post("/api/v1/openapi.json", "{}", "application/json");
  REQUIRE(posted);
  CHECK(posted->status == 401);
}
