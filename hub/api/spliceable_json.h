// A quick check, without building anything, that a stored payload is a JSON
// text that can be copied into a response as it is: strict RFC 8259 (UTF-8,
// at most 64 levels of nesting, no byte order mark, numbers that are finite
// doubles). true only for texts nlohmann's parser accepts as well; false when
// the text is not JSON *or* when this check is not sure (deeper nesting,
// escaped surrogates, a very long number): the caller then asks the full
// parser (record_text.cpp).
#pragma once

#include <string_view>

namespace edgehub::hub {

bool is_spliceable_json(std::string_view text) noexcept;

}  // namespace edgehub::hub
