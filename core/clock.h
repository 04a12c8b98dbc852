// Clock: injected time. Code that reads time or sleeps takes a Clock* through its Options so
// tests can run hours of alert life cycle or retry backoff in microseconds with FakeClock.
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock Unix milliseconds.
  virtual int64_t NowMs() const = 0;
  // Monotonic nanoseconds, for durations only.
  virtual int64_t MonotonicNs() const = 0;
  virtual void SleepMs(int64_t ms) = 0;
};

// The real clock. Thread-safe. The returned singleton lives for the whole program.
Clock* SystemClock();

// A manual clock for tests: time moves only by Advance() or SleepMs(). Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  int64_t MonotonicNs() const override { return now_ms_.load() * 1'000'000; }
  void SleepMs(int64_t ms) override { Advance(ms); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace vigil
