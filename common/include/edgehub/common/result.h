// Result<T>: the hub's way of returning expected failures across module
// boundaries (not found, conflict, invalid input, ...). Exceptions are kept
// for start-up failures and broken invariants. The REST layer maps
// ErrorCode to HTTP status in one table.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace edgehub {

enum class ErrorCode {
  invalid_argument,  // the caller's input is malformed
  not_found,         // the named thing does not exist
  conflict,          // it exists already / state forbids the operation
  too_large,         // input over a configured limit
  unavailable,       // a dependency (broker, device) is not reachable now
  timeout,           // no answer in time
  internal,          // a bug or an I/O failure
};

struct Error {
  ErrorCode code;
  std::string message;
};

const char* to_string(ErrorCode code) noexcept;

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that returns nothing on success.
struct Done {};
using Status = Result<Done>;

inline Status ok_status() { return Done{}; }

// A Result's outcome without its value.
template <typename T>
Status status_of(const Result<T>& result) {
  if (result) return ok_status();
  return result.error();
}

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace edgehub
