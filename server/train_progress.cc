#include "server/train_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "server/cli.h"

namespace vigil {

namespace {

// A plain progress line quotes at most this much of a target's name (QuotedName).
constexpr size_t kMaxLoggedNameBytes = 120;

// Characters of UTF-8 text `s` (bytes that do not continue a character), one terminal column each.
size_t Utf8Columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The longest prefix of `s` of at most `columns` characters (never the first bytes of one).
std::string Utf8Prefix(const std::string& s, size_t columns) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == columns) return s.substr(0, i);
  }
  return s;
}

}  // namespace

std::optional<double> EtaSeconds(double fraction, double elapsed_s, bool one_target_done) {
  if (!one_target_done || !(fraction > 0.01)) return std::nullopt;
  return elapsed_s * (1 - fraction) / fraction;
}

TrainProgress::TrainProgress(bool tty, std::FILE* out, const Clock* clock, int columns)
    : tty_(tty), out_(out), clock_(clock ? clock : SystemClock()), start_ns_(clock_->MonotonicNs()), columns_(columns) {}

void TrainProgress::Update(size_t target, size_t targets, int step, int steps, const std::string& name) {
  if (out_ == nullptr) return;  // -q / --log-level warn or error: no progress lines
  const double frac = (static_cast<double>(target) + (steps > 0 ? static_cast<double>(step) / steps : 0)) /
                      static_cast<double>(std::max<size_t>(1, targets));
  const double elapsed = static_cast<double>(clock_->MonotonicNs() - start_ns_) * 1e-9;
  // A target is done once the index passed it, or its last step is reached.
  const std::optional<double> eta = EtaSeconds(frac, elapsed, target > 0 || (steps > 0 && step >= steps));
  char eta_text[32] = "--";
  if (eta && *eta < 0.5 && frac < 1) {
    std::snprintf(eta_text, sizeof eta_text, "<1s");  // "%.0f" would print 0 while work remains
  } else if (eta) {
    std::snprintf(eta_text, sizeof eta_text, "%.0fs", *eta);
  }
  if (tty_) {
    const size_t avail = static_cast<size_t>(std::max(1, Columns()) - 1);
    char info[96];
    std::snprintf(info, sizeof info, "%3d%%  target %zu/%zu  ETA %5s", static_cast<int>(frac * 100), target + 1,
                  targets, eta_text);
    const size_t info_cols = std::strlen(info);
    // "[" bar "] " info "  " name: the bar as wide as fits, 30 at most, none when under 10.
    size_t bar = 30;
    while (bar > 0 && 3 + bar + info_cols > avail) bar = bar > 10 ? bar - 1 : 0;
    std::string line;
    if (bar > 0) {
      const size_t fill = std::min(bar, static_cast<size_t>(frac * static_cast<double>(bar)));
      line.reserve(bar + 3);
      line.push_back('[');
      line.append(fill, '#').append(bar - fill, ' ').append("] ");
    }
    line += info;
    const size_t used = Utf8Columns(line);
    if (used + 2 < avail) line.append("  ").append(Utf8Prefix(name, avail - used - 2));
    // Padded to the full width: "\r" only moves the cursor, so a shorter line (a name that no
    // longer fits, e.g. once `target 9/10` became `target 10/10`) left the end of the one before
    // on screen. Spaces, not the erase-line escape, so a terminal without it (TERM=dumb) that
    // reports a width is drawn right too.
    line = Utf8Prefix(line, avail);
    line.append(avail - Utf8Columns(line), ' ');
    std::fprintf(out_, "\r%s", line.c_str());
    std::fflush(out_);
  } else if (target != last_target_) {
    std::fprintf(out_, "train-rules: target %zu/%zu %s (elapsed %.0fs, ETA %s)\n", target + 1, targets,
                 QuotedName(name, kMaxLoggedNameBytes).c_str(), elapsed, eta_text);
    last_target_ = target;
  }
}

int TrainProgress::Columns() const {
  if (columns_ > 0) return columns_;
  winsize ws{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void TrainProgress::Done() {
  if (tty_ && out_ != nullptr) std::fprintf(out_, "\n");
}

}  // namespace vigil
