#include "evals/detection_pca.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "training/engine_evaluator.h"

namespace vigil {
namespace {

double Standardise(double v, double mean, double scale, double clip) {
  if (!std::isfinite(v)) return 0;
  const double z = (v - mean) / scale;
  return clip > 0 ? std::clamp(z, -clip, clip) : z;
}

}  // namespace

Result<SymmetricEigen> EigenSymmetric(const std::vector<std::vector<double>>& a_in) {
  const size_t n = a_in.size();
  for (size_t i = 0; i < n; ++i) {
    if (a_in[i].size() != n) {
      return InvalidArgumentError("EigenSymmetric: row " + std::to_string(i) + " has " +
                                  std::to_string(a_in[i].size()) + " entries, expected " + std::to_string(n));
    }
    for (size_t j = 0; j < n; ++j) {
      if (!std::isfinite(a_in[i][j])) {
        return InvalidArgumentError("EigenSymmetric: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                    ") is not finite");
      }
    }
  }
  std::vector<std::vector<double>> a = a_in;
  std::vector<std::vector<double>> v(n, std::vector<double>(n, 0.0));  // v[row][col], columns = vectors
  for (size_t i = 0; i < n; ++i) v[i][i] = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, total = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        total += a[i][j] * a[i][j];
        if (i != j) off += a[i][j] * a[i][j];
      }
    }
    if (off <= 1e-24 * std::max(total, 1e-300)) break;
    for (size_t p = 0; p + 1 < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) {
        if (a[p][q] == 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, symmetric Schur).
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < n; ++k) {  // A ← A J (columns p, q)
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {  // A ← Jᵀ A (rows p, q)
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {  // V ← V J
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return a[x][x] > a[y][y]; });
  SymmetricEigen out;
  for (size_t k : order) {
    out.values.push_back(a[k][k]);
    std::vector<double> col(n);
    for (size_t i = 0; i < n; ++i) col[i] = v[i][k];
    out.vectors.push_back(std::move(col));
  }
  return out;
}

Result<PcaSpeModel> FitPcaSpe(const std::vector<std::vector<double>>& x, size_t begin, size_t end,
                              const PcaSpeOptions& options) {
  if (!(options.variance_kept > 0 && options.variance_kept <= 1)) {
    return InvalidArgumentError("pca-spe: variance_kept must be in (0, 1], got " +
                                std::to_string(options.variance_kept));
  }
  if (!(options.scale_floor > 0)) return InvalidArgumentError("pca-spe: scale_floor must be > 0");
  if (!(options.clip >= 0)) return InvalidArgumentError("pca-spe: clip must be >= 0");
  if (x.empty()) return InvalidArgumentError("pca-spe: no members");
  for (size_t d = 0; d < x.size(); ++d) {
    if (x[d].size() != x[0].size()) {
      return InvalidArgumentError("pca-spe: member " + std::to_string(d) + " has " +
                                  std::to_string(x[d].size()) + " points, member 0 has " +
                                  std::to_string(x[0].size()));
    }
  }
  if (begin >= end || end > x[0].size()) {
    return InvalidArgumentError("pca-spe: fitting range [" + std::to_string(begin) + ", " +
                                std::to_string(end) + ") is empty or past the " +
                                std::to_string(x[0].size()) + " points");
  }
  PcaSpeModel m;
  m.clip = options.clip;
  for (size_t d = 0; d < x.size(); ++d) {
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t count = 0;
    for (size_t t = begin; t < end; ++t) {
      const double v = x[d][t];
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
      ++count;
    }
    // No finite value, or one value throughout: nothing about how it co-varies.
    if (count == 0 || hi - lo <= 1e-12) {
      m.constant.push_back(d);
      continue;
    }
    const double mean = sum / static_cast<double>(count);
    double ss = 0;
    for (size_t t = begin; t < end; ++t) {
      if (std::isfinite(x[d][t])) ss += (x[d][t] - mean) * (x[d][t] - mean);
    }
    const double sd = count > 1 ? std::sqrt(ss / static_cast<double>(count - 1)) : 0;
    m.used.push_back(d);
    m.mean.push_back(mean);
    m.scale.push_back(std::max(sd, options.scale_floor));
  }
  const size_t k = m.used.size();
  if (k == 0) return m;  // every member constant: SPE is 0 throughout
  std::vector<std::vector<double>> cov(k, std::vector<double>(k, 0.0));
  std::vector<double> z(k);
  for (size_t t = begin; t < end; ++t) {
    for (size_t i = 0; i < k; ++i) z[i] = Standardise(x[m.used[i]][t], m.mean[i], m.scale[i], m.clip);
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = i; j < k; ++j) cov[i][j] += z[i] * z[j];
    }
  }
  const double denom = static_cast<double>(std::max<size_t>(end - begin, 2) - 1);
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i; j < k; ++j) cov[j][i] = cov[i][j] /= denom;
  }
  ASSIGN_OR_RETURN(SymmetricEigen eig, EigenSymmetric(cov));
  double trace = 0;
  for (double l : eig.values) trace += std::max(l, 0.0);
  double held = 0;
  for (size_t c = 0; c < k && (trace <= 0 || held < options.variance_kept * trace); ++c) {
    held += std::max(eig.values[c], 0.0);
    m.components.push_back(eig.vectors[c]);
  }
  m.variance_fraction = trace > 0 ? held / trace : 1;
  return m;
}

std::vector<double> SpeResidual(const PcaSpeModel& model, const std::vector<std::vector<double>>& x,
                                size_t t) {
  const size_t k = model.used.size();
  std::vector<double> z(k);
  for (size_t i = 0; i < k; ++i) {
    const double v = t < x[model.used[i]].size() ? x[model.used[i]][t] : NAN;
    z[i] = Standardise(v, model.mean[i], model.scale[i], model.clip);
  }
  std::vector<double> r = z;  // z − P Pᵀ z
  for (const auto& c : model.components) {
    double dot = 0;
    for (size_t i = 0; i < k; ++i) dot += c[i] * z[i];
    for (size_t i = 0; i < k; ++i) r[i] -= dot * c[i];
  }
  return r;
}

std::vector<double> SpeScores(const PcaSpeModel& model, const std::vector<std::vector<double>>& x) {
  const size_t n = x.empty() ? 0 : x[0].size();
  std::vector<double> spe(n, 0.0);
  for (size_t t = 0; t < n; ++t) {
    for (double r : SpeResidual(model, x, t)) spe[t] += r * r;
  }
  return spe;
}

Result<std::vector<std::vector<uint8_t>>> PcaSpeDetector::Run(const std::vector<EvalUnit>& units) {
  details_ = Json{{"holdout_fraction", options_.holdout_fraction},
                  {"variance_kept", options_.variance_kept},
                  {"scale_floor", options_.scale_floor},
                  {"baseline_window", static_cast<int64_t>(options_.baseline_window)},
                  {"clip", options_.clip}};
  AddTailThresholdDetails(options_.threshold, &details_);
  if (options_.baseline_window < 0) return InvalidArgumentError(name_ + ": baseline_window must be >= 0");
  Json per_unit = Json::array();
  std::vector<std::vector<uint8_t>> out;
  for (const EvalUnit& u : units) {
    const size_t holdout = static_cast<size_t>(static_cast<double>(u.split) * options_.holdout_fraction);
    if (holdout == 0 || holdout >= u.split) {
      return InvalidArgumentError(name_ + ": unit `" + u.name + "` has " + std::to_string(u.split) +
                                  " training points, too few for a fitting part and a held-out tail");
    }
    const size_t fit_end = u.split - holdout;
    const size_t fit_begin = static_cast<size_t>(options_.baseline_window);
    if (fit_begin >= fit_end) {
      return InvalidArgumentError(name_ + ": unit `" + u.name + "` has " + std::to_string(u.split) +
                                  " training points, too few for a " + std::to_string(fit_begin) +
                                  "-point baseline, a fitting part and a held-out tail");
    }
    std::vector<std::vector<double>> x;
    if (options_.baseline_window == 0) {
      for (const TimeSeries& m : u.members) x.push_back(m.values);
    } else {
      TrainingData data;
      data.target = u.name;
      data.train = u.members;  // the engine runs over the whole series; only [0, split) fits
      data.labeled = false;
      EngineEvaluator engine(data, Objective::kPointAdjusted, 7);
      ASSIGN_OR_RETURN(
          x, engine.Values("value - median(lag(value, 1), " + std::to_string(options_.baseline_window) + "p)",
                           Split::kTrain));
    }
    Result<PcaSpeModel> model = FitPcaSpe(x, fit_begin, fit_end, options_);
    if (!model.ok()) return InvalidArgumentError("unit `" + u.name + "`: " + model.status().message());
    const std::vector<double> spe = SpeScores(*model, x);
    Json chosen;
    Result<double> threshold_or = ChooseTailThreshold(spe, fit_end, u.split, options_.threshold, &chosen);
    if (!threshold_or.ok()) {
      return InvalidArgumentError(name_ + ": unit `" + u.name + "`: " + threshold_or.status().message());
    }
    const double threshold = *threshold_or;
    std::vector<uint8_t> flags(spe.size(), 0);
    for (size_t i = 0; i < spe.size(); ++i) flags[i] = spe[i] > threshold;
    // What an on-call engineer reads first: the members that carry each test alert's SPE.
    Json alerts = Json::array();
    for (size_t t = u.split; t < flags.size() && alerts.size() < options_.explained_alerts; ++t) {
      if (!flags[t] || flags[t - 1]) continue;
      const std::vector<double> r = SpeResidual(*model, x, t);
      std::vector<size_t> order(r.size());
      std::iota(order.begin(), order.end(), size_t{0});
      const size_t top = std::min<size_t>(3, order.size());
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                        [&](size_t a, size_t b) { return r[a] * r[a] > r[b] * r[b]; });
      Json members = Json::array();
      for (size_t j = 0; j < top; ++j) {
        members.push_back(Json{{"member", static_cast<int64_t>(model->used[order[j]] + 1)},
                               {"share", spe[t] > 0 ? r[order[j]] * r[order[j]] / spe[t] : 0.0}});
      }
      alerts.push_back(
          Json{{"test_point", static_cast<int64_t>(t - u.split)}, {"spe", spe[t]}, {"top", members}});
    }
    Json constant = Json::array();
    for (size_t d : model->constant) constant.push_back(static_cast<int64_t>(d + 1));  // 1-based, as SMD
    per_unit.push_back(Json{{"series", u.name},
                            {"threshold", threshold},
                            {"threshold_choice", chosen},
                            {"members_used", static_cast<int64_t>(model->used.size())},
                            {"components", static_cast<int64_t>(model->components.size())},
                            {"variance_fraction", model->variance_fraction},
                            {"constant", constant},
                            {"alerts", alerts}});
    out.push_back(std::move(flags));
  }
  details_["per_series"] = per_unit;
  return out;
}

Result<std::vector<std::vector<uint8_t>>> AnyOfDetector::Run(const std::vector<EvalUnit>& units) {
  if (parts_.empty()) return InvalidArgumentError(name_ + ": no parts");
  std::vector<std::vector<uint8_t>> out;
  details_ = Json::object();
  for (auto& part : parts_) {
    ASSIGN_OR_RETURN(std::vector<std::vector<uint8_t>> flags, part->Run(units));
    if (flags.size() != units.size()) {
      return InternalError(name_ + ": part " + part->name() + " returned " + std::to_string(flags.size()) +
                           " flag rows for " + std::to_string(units.size()) + " units");
    }
    if (out.empty()) {
      out = std::move(flags);
    } else {
      for (size_t u = 0; u < out.size(); ++u) {
        out[u].resize(std::max(out[u].size(), flags[u].size()), 0);
        for (size_t i = 0; i < flags[u].size(); ++i) out[u][i] |= flags[u][i];
      }
    }
    details_[part->name()] = part->Details();
  }
  return out;
}

}  // namespace vigil
