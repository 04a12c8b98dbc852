#include "core/status.h"

#include <doctest/doctest.h>

#include <memory>

namespace vigil {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgumentError("expected a positive number, got " + std::to_string(x));
  return x;
}

Result<int> Doubled(int x) {
  ASSIGN_OR_RETURN(int v, ParsePositive(x));
  return v * 2;
}

Status CheckBoth(int a, int b) {
  RETURN_IF_ERROR(ParsePositive(a).status());
  RETURN_IF_ERROR(ParsePositive(b).status());
  return Status::Ok();
}

TEST_CASE("Status carries code and message") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "ok");
  Status s = NotFoundError("rule `x` not found");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.ToString() == "not_found: rule `x` not found");
  CHECK(s.WithContext("rules.vr:3").message() == "rules.vr:3: rule `x` not found");
}

TEST_CASE("Result holds a value or an error") {
  CHECK(Doubled(4).value() == 8);
  auto bad = Doubled(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() == "expected a positive number, got -1");
  CHECK(bad.value_or(7) == 7);
}

TEST_CASE("RETURN_IF_ERROR stops at the first error") {
  CHECK(CheckBoth(1, 2).ok());
  CHECK(CheckBoth(1, -2).message() == "expected a positive number, got -2");
}

TEST_CASE("Result from an OK status is an internal error, not UB") {
  Result<int> r{Status::Ok()};
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInternal);
}

TEST_CASE("Result works with move-only types") {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  REQUIRE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  CHECK(*p == 5);
}

TEST_CASE("every code has a distinct name") {
  CHECK(StatusCodeName(StatusCode::kDeadlineExceeded) == "deadline_exceeded");
  CHECK(StatusCodeName(StatusCode::kUnimplemented) == "unimplemented");
  CHECK(StatusCodeName(StatusCode::kCancelled) == "cancelled");
  CHECK(IsCancelled(CancelledError("stop")));
  CHECK_FALSE(IsCancelled(FailedPreconditionError("cancelled: not by code")));
  CHECK(IsCancelled(CancelledError("stop").WithContext("train-rules")));  // context keeps the code
}

}  // namespace
TEST_CASE("WithContext writes the context's line breaks as \\n; the message keeps its layout") {
  const Status s = InvalidArgumentError("a.rules:1:1: bad\n  x\n  ^").WithContext("file a\nvigil: ok\r");
  CHECK(s.message() == "file a\\nvigil: ok\\r: a.rules:1:1: bad\n  x\n  ^");
  CHECK(Status().WithContext("x\n").ok());
}

}  // namespace vigil

