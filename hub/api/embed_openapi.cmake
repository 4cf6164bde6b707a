# cmake -DINPUT=docs/openapi.json -DOUTPUT=<build>/openapi_document.cpp -P embed_openapi.cmake
# Writes openapi_document() (openapi_document.h) returning INPUT's bytes. A
# byte array, not a string literal: the document is longer than the 64 KiB
# that -Wpedantic allows a literal.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# One line per 32 bytes keeps the generated file readable in a debugger.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}"
"// Generated from docs/openapi.json by hub/api/embed_openapi.cmake; do not edit.
#include \"api/openapi_document.h\"

namespace edgehub::hub {
namespace {
constexpr unsigned char kDocument[] = {
    ${bytes}};
}  // namespace

std::string_view openapi_document() {
  return {reinterpret_cast<const char*>(kDocument), sizeof kDocument};
}

}  // namespace edgehub::hub
")
