#include "core/status.h"

#include "core/one_line.h"

namespace vigil {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kOutOfRange: return "out_of_range";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kDataLoss: return "data_loss";
    case StatusCode::kUnimplemented: return "unimplemented";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  // The context is one label (a file name, a flag, a key), often the user's text: its line breaks
  // are written `\n` (OneLine) so that `vigil: <message>` (server/cli.h ReportError) cannot be
  // split by it into lines that read as messages of their own; the message's own layout (a rule
  // file's diagnostics, one per line with a caret line) stays. Before 2026-12-03 (SM2) raw.
  std::string m = OneLine(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

}  // namespace vigil
