// Status and Result<T>: expected failures are values.
//
// A Status is either OK or carries a code from a small closed set and a message meant for a
// person ("rules.vr:3:7: unknown function `meen`, did you mean `mean`?"). Result<T> holds a T or a
// non-OK Status. Both are [[nodiscard]]: ignoring one is a compile error under -Werror.
// Thread safety: values; copy freely.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong (bad rule text, malformed CSV row)
  kNotFound,           // a named thing does not exist (file, rule, probe, incident)
  kAlreadyExists,      // a duplicate (incident already imported)
  kFailedPrecondition, // the system is not in a state to do this (no GPU, index missing)
  kOutOfRange,         // a limit was exceeded (window too large, budget spent)
  kResourceExhausted,  // memory, disk or token budget exhausted
  kUnavailable,        // an outside system did not answer (LLM, Prometheus, ssh); retryable
  kDeadlineExceeded,   // a time limit passed (probe watchdog, HTTP timeout)
  kCancelled,          // the caller asked to stop (SIGINT to train-rules); cut short, not retryable
  kDataLoss,           // stored data is corrupt or inconsistent
  kUnimplemented,      // the path is not built yet; says so instead of faking output
  kInternal,           // a bug: an invariant did not hold
};

// Stable lower_snake name of a code ("invalid_argument"), used in JSON errors and logs.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: message" (or "ok").
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>", for adding where an error happened
  // (a file name, a line number) as it travels up.
  Status WithContext(std::string_view context) const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline bool IsCancelled(const Status& s) { return s.code() == StatusCode::kCancelled; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T>: a T or a non-OK Status. Constructing a Result from an OK Status is a bug and
// becomes an kInternal error rather than undefined behaviour.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : data_(value) {}                 // NOLINT: implicit by design
  Result(T&& value) : data_(std::move(value)) {}           // NOLINT
  Result(Status status) : data_(std::move(status)) {        // NOLINT
    if (std::get<Status>(data_).ok()) {
      data_ = InternalError("Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  // Precondition: ok(). Checked with assert in debug builds.
  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T& value() & { assert(ok()); return std::get<T>(data_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  T value_or(T fallback) const { return ok() ? std::get<T>(data_) : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace vigil

#define VIGIL_CONCAT_INNER_(a, b) a##b
#define VIGIL_CONCAT_(a, b) VIGIL_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    ::vigil::Status vigil_status_ = (expr);         \
    if (!vigil_status_.ok()) return vigil_status_;  \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()); declares/assigns on success, returns the status otherwise.
#define ASSIGN_OR_RETURN(lhs, expr) \
  VIGIL_ASSIGN_OR_RETURN_IMPL_(VIGIL_CONCAT_(vigil_result_, __LINE__), lhs, expr)
#define VIGIL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
