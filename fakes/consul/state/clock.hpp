#pragma once
// Injectable time source for the catalog: TTL checks expire against it, so unit tests can
// move time forward without sleeping.

#include <chrono>

namespace fakes::consul {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

/// The real monotonic clock; deadlines from it can be handed to asio steady timers as is.
class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

/// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
 public:
  time_point now() const override { return now_; }
  void advance(std::chrono::steady_clock::duration d) { now_ += d; }

 private:
  time_point now_{std::chrono::hours(1)};
};

}  // namespace fakes::consul
