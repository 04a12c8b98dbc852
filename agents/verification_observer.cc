#include "agents/verification_observer.h"

namespace vigil {

namespace {
thread_local VerificationObserver* current_observer = nullptr;
}  // namespace

VerificationObserver* CurrentVerificationObserver() { return current_observer; }

ScopedVerificationObserver::ScopedVerificationObserver(VerificationObserver* observer) : saved_(current_observer) {
  current_observer = observer;
}
ScopedVerificationObserver::~ScopedVerificationObserver() { current_observer = saved_; }

}  // namespace vigil
