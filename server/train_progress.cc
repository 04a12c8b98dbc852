#include "server/train_progress.h"

#include <algorithm>

namespace vigil {

double EtaSeconds(double fraction, double elapsed_s) {
  return fraction > 0.01 ? elapsed_s * (1 - fraction) / fraction : 0;
}

TrainProgress::TrainProgress(bool tty, std::FILE* out, const Clock* clock)
    : tty_(tty), out_(out), clock_(clock ? clock : SystemClock()), start_ns_(clock_->MonotonicNs()) {}

void TrainProgress::Update(size_t target, size_t targets, int step, int steps, const std::string& name) {
  const double frac = (static_cast<double>(target) + (steps > 0 ? static_cast<double>(step) / steps : 0)) /
                      static_cast<double>(std::max<size_t>(1, targets));
  const double elapsed = static_cast<double>(clock_->MonotonicNs() - start_ns_) * 1e-9;
  const double eta = EtaSeconds(frac, elapsed);
  if (tty_) {
    const int width = 30, fill = static_cast<int>(frac * width);
    std::fprintf(out_, "\r[%.*s%*s] %3d%%  target %zu/%zu  ETA %4.0fs  %-30.30s", fill,
                 "##############################", width - fill, "", static_cast<int>(frac * 100), target + 1,
                 targets, eta, name.c_str());
    std::fflush(out_);
  } else if (target != last_target_) {
    std::fprintf(out_, "train-rules: target %zu/%zu %s (elapsed %.0fs, ETA %.0fs)\n", target + 1, targets,
                 name.c_str(), elapsed, eta);
    last_target_ = target;
  }
}

void TrainProgress::Done() {
  if (tty_) std::fprintf(out_, "\n");
}

}  // namespace vigil
