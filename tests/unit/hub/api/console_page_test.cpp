// The web console's paths and files (hub/console): what a browser gets for
// each path, and that the embedded files hang together (every file
// index.html and the modules name is embedded), so that a console that
// would load broken fails here rather than in a browser.
#include "console/console_page.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

using namespace edgehub::hub;

namespace {

std::string text_of(const ConsoleFile& file) {
  return {reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size()};
}

const ConsoleFile& file_named(std::string_view path) {
  const ConsoleAnswer answer = answer_console_path(std::string("/console/") + std::string(path));
  REQUIRE(answer.kind == ConsoleAnswer::Kind::file);
  return *answer.file;
}

}  // namespace

TEST_CASE("the_root_and_console_without_slash_redirect_to_the_console") {
  for (const char* path : {"/", "/console"}) {
    const ConsoleAnswer answer = answer_console_path(path);
    CHECK(answer.kind == ConsoleAnswer::Kind::redirect);
    CHECK(answer.location == "/console/");
  }
}

TEST_CASE("the_console_folder_is_index_html_and_files_have_their_content_types") {
  const ConsoleAnswer index = answer_console_path("/console/");
  REQUIRE(index.kind == ConsoleAnswer::Kind::file);
  CHECK(index.file->path == "index.html");
  CHECK(index.file->content_type == "text/html; charset=utf-8");
  CHECK(text_of(*index.file).find("<!doctype html>") != std::string::npos);
  CHECK(file_named("console.css").content_type == "text/css; charset=utf-8");
  CHECK(file_named("js/app.js").content_type == "text/javascript; charset=utf-8");
  CHECK(file_named("js/app.js").etag.size() == 18);  // 16 hex digits, quoted
}

TEST_CASE("unknown_or_escaping_console_paths_are_not_found") {
  for (const char* path :
       {"/console/nothing.js", "/console/../CMakeLists.txt", "/console/js/../index.html",
        "/console//index.html", "/api/v1/devices", "/consoles/index.html"}) {
    CAPTURE(path);
    CHECK(answer_console_path(path).kind == ConsoleAnswer::Kind::not_found);
  }
  CHECK(is_console_path("/"));
  CHECK(is_console_path("/console/js/app.js"));
  CHECK_FALSE(is_console_path("/consoles"));
  CHECK_FALSE(is_console_path("/api/v1/whoami"));
}

TEST_CASE("every_file_the_page_and_its_modules_name_is_embedded") {
  std::set<std::string> embedded;
  for (const ConsoleFile& file : console_files()) embedded.emplace(file.path);
  CHECK(embedded.count("index.html") == 1);
  // index.html: src="..." and href="..." relative to /console/.
  const std::string index = text_of(file_named("index.html"));
  const std::regex reference(R"#((?:src|href)="([^"#:]+)")#");
  int references = 0;
  for (std::sregex_iterator at(index.begin(), index.end(), reference), end; at != end; ++at) {
    CAPTURE((*at)[1].str());
    CHECK(embedded.count((*at)[1].str()) == 1);
    ++references;
  }
  CHECK(references >= 2);  // the stylesheet and the entry module
  // Modules: import ... from "./x.js" or "../x.js", relative to the importer.
  const std::regex import(R"#(from\s+"(\.\.?/[^"]+)")#");
  int imports = 0;
  for (const ConsoleFile& file : console_files()) {
    if (!file.path.ends_with(".js")) continue;
    const std::string source = text_of(file);
    for (std::sregex_iterator at(source.begin(), source.end(), import), end; at != end; ++at) {
      const std::string target =
          (std::filesystem::path(file.path).parent_path() / (*at)[1].str()).lexically_normal();
      CAPTURE(file.path);
      CAPTURE(target);
      CHECK(embedded.count(target) == 1);
      ++imports;
    }
  }
  CHECK(imports >= 10);
}

TEST_CASE("no_console_file_holds_inline_script_or_style_the_policy_would_block") {
  const std::string index = text_of(file_named("index.html"));
  CHECK(index.find("<script>") == std::string::npos);
  CHECK(index.find("style=") == std::string::npos);
  CHECK_FALSE(std::regex_search(index, std::regex(R"( on[a-z]+=)")));  // onclick=, onload=, ...
  CHECK(std::string(kConsoleContentSecurityPolicy).find("unsafe") == std::string::npos);
}

TEST_CASE("etags_match_one_of_a_list_weak_or_any") {
  CHECK(etag_matches(R"("abc")", R"("abc")"));
  CHECK(etag_matches(R"("x", W/"abc")", R"("abc")"));
  CHECK(etag_matches("*", R"("abc")"));
  CHECK_FALSE(etag_matches("", R"("abc")"));
  CHECK_FALSE(etag_matches(R"("abd")", R"("abc")"));
}
