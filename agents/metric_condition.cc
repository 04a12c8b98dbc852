#include "agents/metric_condition.h"
#include "agents/metric_condition_span.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <map>
#include <set>
#include <sstream>

#include "agents/node_names.h"
#include "core/parse.h"

namespace vigil {
namespace {

// ---- tokens ---------------------------------------------------------------------------------

struct Token {
  enum Kind { kIdent, kNumber, kString, kOp, kEnd } kind = kEnd;
  std::string text;
  double number = 0;
};

// Bounds on what is parsed (RV-NA): an alert's expression comes from its generatorURL, written by
// whoever posts the webhook (up to `vigil serve --max-body`, 1 MiB). The parser, the tree's
// destructor and the implication's comparisons recurse once per level, so nesting and length are
// bounded: a longer or deeper text is not understood (nullopt / false), in time linear in its length.
// Real rules (kube-prometheus, dcgm-exporter's samples) are far inside: a few hundred tokens,
// nesting under 10.
constexpr size_t kMaxTokens = 2048;
constexpr int kMaxNesting = 64;
// And in bytes: a text is tokenized (copied, scanned) on every reading - AlertStatedValue reads the
// expression once per number of the annotations - so a 600 KB metric name of 3 tokens cost 72 s
// of one diagnosis (main fa316e5, vigil diagnose --case, 6,000 numbers in the annotations).
constexpr size_t kMaxBytes = 16384;

std::optional<std::vector<Token>> Tokenize(const std::string& s) {
  if (s.size() > kMaxBytes) return std::nullopt;
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    if (out.size() >= kMaxTokens) return std::nullopt;
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == ':')) ++j;
      out.push_back({Token::kIdent, s.substr(i, j - i)});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t used = 0;
      std::optional<double> v = ParseDoublePrefix(std::string_view(s).substr(i), &used);
      if (!v) return std::nullopt;  // "1e999": a number beyond double's range is not understood
      size_t j = i + used;
      // A duration inside [..]: 10m, 1h, 7d.
      if (j < s.size() && std::string("smhdwy").find(s[j]) != std::string::npos &&
          (j + 1 >= s.size() || !std::isalnum(static_cast<unsigned char>(s[j + 1])))) {
        out.push_back({Token::kIdent, s.substr(i, j + 1 - i)});
        i = j + 1;
        continue;
      }
      out.push_back({Token::kNumber, s.substr(i, used), *v});
      i = j;
    } else if (c == '"') {
      size_t j = s.find('"', i + 1);
      if (j == std::string::npos) return std::nullopt;
      out.push_back({Token::kString, s.substr(i + 1, j - i - 1)});
      i = j + 1;
    } else {
      static const char* kTwo[] = {">=", "<=", "==", "!=", "=~", "!~", "&&"};
      bool two = false;
      for (const char* t : kTwo) {
        if (s.compare(i, 2, t) == 0) {
          out.push_back({Token::kOp, t});
          i += 2;
          two = true;
          break;
        }
      }
      if (two) continue;
      if (std::string("+-*/%<>(){}[],=").find(c) == std::string::npos) return std::nullopt;
      out.push_back({Token::kOp, std::string(1, c)});
      ++i;
    }
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

// ---- AST -----------------------------------------------------------------------------------

struct Node {
  enum Kind { kNumber, kSelector, kRangeFn, kElemFn, kAgg, kBinary } kind = kNumber;
  double number = 0;
  std::string name;                  // selector metric, function or operator
  Labels matchers;
  std::vector<std::string> by;
  double param = 0;                  // quantile q
  double window_s = 0;               // a selector's [window] in seconds (0: none written)
  std::unique_ptr<Node> a, b;
};
using NodePtr = std::unique_ptr<Node>;

const std::set<std::string>& RangeFns() {
  static const std::set<std::string> s = {"avg_over_time", "max_over_time", "min_over_time", "last_over_time",
                                          "increase", "delta", "changes", "rate", "deriv"};
  return s;
}
const std::set<std::string>& AggFns() {
  static const std::set<std::string> s = {"avg", "max", "min", "sum", "count", "median", "quantile"};
  return s;
}

class Parser {
 public:
  // `lenient`: the alert-rule reading of ExpressionImpliesCondition, never evaluated: matchers
  // =, !=, =~, !~ (kept as op + value), an aggregation of a range function.
  explicit Parser(std::vector<Token> t, bool lenient = false) : t_(std::move(t)), lenient_(lenient) {}

  NodePtr ParseCondition() {
    NodePtr n = ParseCompare();
    while (n && (IsIdent("and") || IsIdent("AND") || IsOp("&&"))) {
      ++p_;
      NodePtr r = ParseCompare();
      if (!r) return nullptr;
      n = Bin("and", std::move(n), std::move(r));
    }
    if (!n || t_[p_].kind != Token::kEnd) return nullptr;
    return n;
  }

 private:
  bool IsOp(const char* op) const { return t_[p_].kind == Token::kOp && t_[p_].text == op; }
  bool IsIdent(const char* id) const { return t_[p_].kind == Token::kIdent && t_[p_].text == id; }
  bool Eat(const char* op) {
    if (!IsOp(op)) return false;
    ++p_;
    return true;
  }
  static NodePtr Bin(const std::string& op, NodePtr a, NodePtr b) {
    auto n = std::make_unique<Node>();
    n->kind = Node::kBinary;
    n->name = op;
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }

  NodePtr ParseCompare() {
    NodePtr l = ParseAdd();
    if (!l) return nullptr;
    for (const char* op : {">=", "<=", "==", "!=", ">", "<"}) {
      if (IsOp(op)) {
        ++p_;
        NodePtr r = ParseAdd();
        if (!r) return nullptr;
        return Bin(op, std::move(l), std::move(r));
      }
    }
    return nullptr;  // a condition must compare
  }
  NodePtr ParseAdd() {
    NodePtr l = ParseMul();
    while (l && (IsOp("+") || IsOp("-"))) {
      std::string op = t_[p_++].text;
      NodePtr r = ParseMul();
      if (!r) return nullptr;
      l = Bin(op, std::move(l), std::move(r));
    }
    return l;
  }
  NodePtr ParseMul() {
    NodePtr l = ParseUnary();
    while (l && (IsOp("*") || IsOp("/") || IsOp("%"))) {
      std::string op = t_[p_++].text;
      NodePtr r = ParseUnary();
      if (!r) return nullptr;
      l = Bin(op, std::move(l), std::move(r));
    }
    return l;
  }
  // Nesting (parentheses, functions, aggregations) deeper than kMaxNesting is not understood.
  NodePtr ParseUnary() {
    if (depth_ >= kMaxNesting) return nullptr;
    ++depth_;
    NodePtr n = ParseUnaryNested();
    --depth_;
    return n;
  }
  NodePtr ParseUnaryNested() {
    const Token& t = t_[p_];
    if (t.kind == Token::kNumber) {
      ++p_;
      auto n = std::make_unique<Node>();
      n->number = t.number;
      return n;
    }
    if (Eat("(")) {
      NodePtr n = ParseAdd();
      if (!n || !Eat(")")) return nullptr;
      return n;
    }
    if (t.kind != Token::kIdent) return nullptr;
    std::string id = t.text;
    ++p_;
    if (AggFns().count(id)) return ParseAgg(id);
    if (IsOp("(")) {
      ++p_;
      auto n = std::make_unique<Node>();
      n->name = id;
      if (RangeFns().count(id)) {
        n->kind = Node::kRangeFn;
      } else if (id == "floor" || id == "abs") {
        n->kind = Node::kElemFn;
      } else {
        return nullptr;
      }
      n->a = ParseAdd();
      if (!n->a || !Eat(")")) return nullptr;
      if (n->kind == Node::kRangeFn && n->a->kind != Node::kSelector) return nullptr;
      return n;
    }
    // A selector.
    auto n = std::make_unique<Node>();
    n->kind = Node::kSelector;
    n->name = id;
    if (Eat("{")) {
      while (!IsOp("}")) {
        if (t_[p_].kind != Token::kIdent) return nullptr;
        std::string key = t_[p_++].text;
        std::string op = "=";
        if (lenient_ && (IsOp("!=") || IsOp("=~") || IsOp("!~"))) {
          op = t_[p_++].text;
        } else if (!Eat("=")) {
          return nullptr;  // only exact matchers
        }
        if (t_[p_].kind != Token::kString) return nullptr;
        n->matchers[key] = lenient_ ? op + t_[p_].text : t_[p_].text;
        ++p_;
        if (!Eat(",")) break;
      }
      if (!Eat("}")) return nullptr;
    }
    if (Eat("[")) {
      if (t_[p_].kind != Token::kIdent) return nullptr;
      n->window_s = DurationSeconds(t_[p_].text);
      ++p_;
      if (!Eat("]")) return nullptr;
    }
    return n;
  }
  NodePtr ParseAgg(const std::string& fn) {
    auto n = std::make_unique<Node>();
    n->kind = Node::kAgg;
    n->name = fn;
    auto parse_by = [&]() -> bool {
      if (!IsIdent("by")) return true;
      ++p_;
      if (!Eat("(")) return false;
      while (t_[p_].kind == Token::kIdent) {
        n->by.push_back(t_[p_++].text);
        if (!Eat(",")) break;
      }
      return Eat(")");
    };
    if (!parse_by() || !Eat("(")) return nullptr;
    if (fn == "quantile") {
      if (t_[p_].kind != Token::kNumber) return nullptr;
      n->param = t_[p_++].number;
      if (!Eat(",")) return nullptr;
    }
    n->a = ParseAdd();
    if (!n->a || !Eat(")")) return nullptr;
    if (!parse_by()) return nullptr;
    if (n->a->kind != Node::kSelector && !(lenient_ && n->a->kind == Node::kRangeFn)) return nullptr;
    return n;
  }
  // "10m" -> 600; 0 when not a single number and unit.
  static double DurationSeconds(const std::string& d) {
    if (d.size() < 2) return 0;
    std::optional<double> v = ParseDouble(std::string_view(d).substr(0, d.size() - 1));
    if (!v) return 0;
    switch (d.back()) {
      case 's': return *v;
      case 'm': return *v * 60;
      case 'h': return *v * 3600;
      case 'd': return *v * 86400;
      case 'w': return *v * 7 * 86400;
      case 'y': return *v * 365 * 86400;
      default: return 0;
    }
  }

  std::vector<Token> t_;
  size_t p_ = 0;
  bool lenient_ = false;
  int depth_ = 0;
};

// ---- evaluation ------------------------------------------------------------------------------

// Labels that identify a series' place: two series joined on the candidate must not disagree on
// one. Every node label (node_names.h's kNodeLabelKeys: the one list alert triage, the reasoner and
// serve's storm grouping read) and the GPU index. Before ALERTID2 this was a list of its own
// without kubernetes_node, nodename and exported_instance: a series of node gpu-2 joined one of
// gpu-7 when they named their node only by kubernetes_node.
bool IdentityLabel(std::string_view key) {
  return key == "gpu" || std::find(std::begin(kNodeLabelKeys), std::end(kNodeLabelKeys), key) != std::end(kNodeLabelKeys);
}

bool Matches(const TimeSeries& s, const std::string& name, const Labels& m) {
  if (s.name != name) return false;
  for (const auto& [k, v] : m) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

double Mean(const TimeSeries& s) {
  double sum = 0;
  size_t n = 0;
  for (double v : s.values) {
    if (!std::isnan(v)) {
      sum += v;
      ++n;
    }
  }
  return n ? sum / n : NAN;
}

using Vec = std::vector<double>;  // one value per candidate sample

class Evaluator {
 public:
  Evaluator(const std::vector<TimeSeries>& all, const TimeSeries& cand) : all_(all), cand_(cand) {}

  Vec Eval(const Node& n, bool left_of_compare) {
    size_t len = cand_.size();
    switch (n.kind) {
      case Node::kNumber:
        return Vec(len, n.number);
      case Node::kSelector:
        return Aligned(n);
      case Node::kRangeFn: {
        const TimeSeries* s = Join(*n.a);
        if (s == nullptr) return Vec(len, NAN);
        // The range ends at each candidate sample and starts at the first sample of the case
        // (the case window stands in for the condition's own window), so a spike is compared
        // with what came before it rather than with an average that includes it.
        Vec prefix = RangePrefix(n.name, *s);
        Vec out(len, NAN);
        for (size_t i = 0; i < len; ++i) {
          auto it = std::upper_bound(s->timestamps_ms.begin(), s->timestamps_ms.end(), cand_.timestamps_ms[i]);
          if (it != s->timestamps_ms.begin()) out[i] = prefix[(it - s->timestamps_ms.begin()) - 1];
        }
        return out;
      }
      case Node::kElemFn: {
        Vec v = Eval(*n.a, left_of_compare);
        for (double& x : v) x = n.name == "floor" ? std::floor(x) : std::fabs(x);
        return v;
      }
      case Node::kAgg: {
        std::vector<double> means;
        for (const TimeSeries& s : all_) {
          if (!Matches(s, n.a->name, n.a->matchers)) continue;
          bool same = true;
          for (const std::string& l : n.by) {
            auto x = s.labels.find(l), y = cand_.labels.find(l);
            std::string xv = x == s.labels.end() ? "" : x->second, yv = y == cand_.labels.end() ? "" : y->second;
            if (xv != yv) same = false;
          }
          if (!same) continue;
          double m = Mean(s);
          if (!std::isnan(m)) means.push_back(m);
        }
        // A group of one has no peers to compare with (count excepted).
        if (means.size() < 2 && n.name != "count" && n.name != "sum") return Vec(len, NAN);
        if (left_of_compare && n.a->name == cand_.name && (n.name == "max" || n.name == "min")) {
          return Aligned(*n.a);  // the candidate is the series attaining the extreme
        }
        return Vec(len, Aggregate(n.name, n.param, means));
      }
      case Node::kBinary: {
        bool cmp = n.name == ">" || n.name == ">=" || n.name == "<" || n.name == "<=" || n.name == "==" || n.name == "!=";
        Vec a = Eval(*n.a, cmp || left_of_compare);
        Vec b = Eval(*n.b, false);
        Vec out(len, NAN);
        for (size_t i = 0; i < len; ++i) out[i] = Apply(n.name, a[i], b[i]);
        return out;
      }
    }
    return Vec(len, NAN);
  }

  // The left side of the top comparison, for reporting.
  Vec Left(const Node& n) {
    if (n.kind == Node::kBinary && n.name == "and") return Left(*n.a);
    if (n.kind == Node::kBinary && n.a) return Eval(*n.a, true);
    return Eval(n, true);
  }

 private:
  static double Apply(const std::string& op, double x, double y) {
    if (op == "and") return (x == 1 && y == 1) ? 1 : 0;
    if (op == "!=" && std::isnan(x) && std::isnan(y)) return 1;  // `x != x`: NaN check
    if (std::isnan(x) || std::isnan(y)) return op == "!=" ? (std::isnan(x) != std::isnan(y) ? 1 : 0) : NAN;
    if (op == "+") return x + y;
    if (op == "-") return x - y;
    if (op == "*") return x * y;
    if (op == "/") return y == 0 ? NAN : x / y;
    if (op == "%") return y == 0 ? NAN : std::fmod(x, y);
    if (op == ">") return x > y;
    if (op == ">=") return x >= y;
    if (op == "<") return x < y;
    if (op == "<=") return x <= y;
    if (op == "==") return x == y;
    if (op == "!=") return x != y;
    return NAN;
  }

  static double Aggregate(const std::string& fn, double q, std::vector<double> v) {
    if (fn == "count") return static_cast<double>(v.size());
    if (v.empty()) return NAN;
    if (fn == "sum") return std::accumulate(v.begin(), v.end(), 0.0);
    if (fn == "avg") return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    if (fn == "max") return *std::max_element(v.begin(), v.end());
    if (fn == "min") return *std::min_element(v.begin(), v.end());
    if (fn == "median") q = 0.5;
    std::sort(v.begin(), v.end());
    double pos = std::clamp(q, 0.0, 1.0) * (v.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  }

  // fn over samples [0, i] for every i, in one pass.
  static Vec RangePrefix(const std::string& fn, const TimeSeries& s) {
    Vec out(s.size(), NAN);
    double sum = 0, mx = -INFINITY, mn = INFINITY, inc = 0, changes = 0, first = NAN, prev = NAN, last = NAN;
    size_t n = 0;
    int64_t t0 = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      double v = s.values[i];
      if (!std::isnan(v)) {
        if (n == 0) {
          first = v;
          t0 = s.timestamps_ms[i];
        } else {
          inc += v >= prev ? v - prev : v;  // counter reset
          changes += v != prev;
        }
        sum += v;
        mx = std::max(mx, v);
        mn = std::min(mn, v);
        prev = last = v;
        ++n;
      }
      if (n == 0) continue;
      // In double: a case's sample times are any int64, and `last - first` overflows int64 for a
      // series from INT64_MIN to INT64_MAX (SAN2: undefined; in Release a negative span, no rate).
      double span_s = (static_cast<double>(s.timestamps_ms[i]) - static_cast<double>(t0)) / 1000.0;
      if (fn == "avg_over_time") out[i] = sum / n;
      else if (fn == "max_over_time") out[i] = mx;
      else if (fn == "min_over_time") out[i] = mn;
      else if (fn == "last_over_time") out[i] = last;
      else if (fn == "delta") out[i] = last - first;
      else if (fn == "deriv") out[i] = span_s > 0 ? (last - first) / span_s : 0;
      else if (fn == "changes") out[i] = changes;
      else if (fn == "rate") out[i] = span_s > 0 ? inc / span_s : 0;
      else out[i] = inc;  // increase
    }
    return out;
  }

  static double Range(const std::string& fn, const TimeSeries& s) {
    std::vector<double> v;
    std::vector<int64_t> t;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!std::isnan(s.values[i])) {
        v.push_back(s.values[i]);
        t.push_back(s.timestamps_ms[i]);
      }
    }
    if (v.empty()) return NAN;
    if (fn == "avg_over_time") return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    if (fn == "max_over_time") return *std::max_element(v.begin(), v.end());
    if (fn == "min_over_time") return *std::min_element(v.begin(), v.end());
    if (fn == "last_over_time") return v.back();
    if (fn == "delta") return v.back() - v.front();
    double span_s = (static_cast<double>(t.back()) - static_cast<double>(t.front())) / 1000.0;  // as above
    if (fn == "deriv") return span_s > 0 ? (v.back() - v.front()) / span_s : 0;
    if (fn == "changes") {
      double n = 0;
      for (size_t i = 1; i < v.size(); ++i) n += v[i] != v[i - 1];
      return n;
    }
    double inc = 0;  // increase / rate, with counter resets
    for (size_t i = 1; i < v.size(); ++i) inc += v[i] >= v[i - 1] ? v[i] - v[i - 1] : v[i];
    if (fn == "rate") return span_s > 0 ? inc / span_s : 0;
    return inc;
  }

  // The series of `sel` joined to the candidate on shared identifying labels.
  const TimeSeries* Join(const Node& sel) {
    if (Matches(cand_, sel.name, sel.matchers)) return &cand_;
    const TimeSeries* best = nullptr;
    for (const TimeSeries& s : all_) {
      if (!Matches(s, sel.name, sel.matchers)) continue;
      bool ok = true;
      for (const auto& [key, value] : s.labels) {
        if (!IdentityLabel(key)) continue;
        auto y = cand_.labels.find(key);
        if (y != cand_.labels.end() && value != y->second) ok = false;
      }
      if (ok) {
        best = &s;
        break;
      }
    }
    return best;
  }

  Vec Aligned(const Node& sel) {
    const TimeSeries* s = Join(sel);
    Vec out(cand_.size(), NAN);
    if (s == nullptr) return out;
    if (s == &cand_) return cand_.values;
    for (size_t i = 0; i < cand_.size(); ++i) {
      auto it = std::upper_bound(s->timestamps_ms.begin(), s->timestamps_ms.end(), cand_.timestamps_ms[i]);
      if (it == s->timestamps_ms.begin()) continue;
      out[i] = s->values[(it - s->timestamps_ms.begin()) - 1];
    }
    return out;
  }

  const std::vector<TimeSeries>& all_;
  const TimeSeries& cand_;
};

// The candidate metric: the first selector outside an aggregation, else the first inside one.
const Node* FirstSelector(const Node& n, bool allow_agg) {
  if (n.kind == Node::kSelector) return &n;
  if (n.kind == Node::kAgg && !allow_agg) return nullptr;
  for (const Node* c : {n.a.get(), n.b.get()}) {
    if (c == nullptr) continue;
    if (const Node* s = FirstSelector(*c, allow_agg)) return s;
  }
  return nullptr;
}

// ---- implication (ExpressionImpliesCondition) ----------------------------------------------

// `name` with each whole word `iteration(s)` / `iter(s)` written `step(s)` (AO5b): Megatron counts
// skipped iterations, DeepSpeed skipped steps, one optimizer step each.
std::string StepWords(const std::string& name) {
  static const std::map<std::string, std::string> kWord = {
      {"iteration", "step"}, {"iterations", "steps"}, {"iter", "step"}, {"iters", "steps"}};
  std::string out;
  size_t i = 0;
  while (i <= name.size()) {
    size_t e = name.find('_', i);
    if (e == std::string::npos) e = name.size();
    const std::string w = name.substr(i, e - i);
    auto k = kWord.find(w);
    out += k == kWord.end() ? w : k->second;
    if (e < name.size()) out += '_';
    i = e + 1;
  }
  return out;
}

bool SameMetricNameWords(const std::string& a, const std::string& p);

// The alert's metric name is the pack's: the same, or the pack's un-namespaced name of several words
// after one namespace word of the exporter's (`training_loss_scale` for `loss_scale`, Prometheus's
// <namespace>_<name>). A one-word pack name (`loss`, `step`) matches only itself: `moe_aux_loss` is
// not `loss`. Steps and iterations are one word (StepWords), in both names.
bool SameMetricName(const std::string& a, const std::string& p) {
  return SameMetricNameWords(a, p) || SameMetricNameWords(StepWords(a), StepWords(p));
}

bool SameMetricNameWords(const std::string& a, const std::string& p) {
  if (a == p) return true;
  if (p.find('_') == std::string::npos || a.size() <= p.size() + 1) return false;
  const size_t cut = a.size() - p.size();
  if (a.compare(cut, p.size(), p) != 0 || a[cut - 1] != '_') return false;
  for (size_t i = 0; i + 1 < cut; ++i) {
    const char ch = a[i];
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)))) return false;
  }
  return true;
}

// The alert's expression `a` has the condition `p`'s form and selects no more than it: the same
// functions, operators and numbers; each selector the same metric (SameMetricName) with every
// matcher of p's (a may add its own: {gpu="3"} is one of the GPUs the condition looks at) and, with
// `windows`, the same window.
// Inside an aggregation (`group`: its `by` labels) a matcher of a's own changes the value, not only
// which series are read (RV-NA): the count, sum, average, max or min of GPU 0's series is not the
// node's (`count by (Hostname) (GPU_TEMP{gpu="0"}) < 8` always fires). Only an equality matcher on
// a label the aggregation groups by may be added there: it picks whole groups, each of the same value.
bool Same(const Node& a, const Node& p, bool windows, const std::vector<std::string>* group = nullptr) {
  if (a.kind != p.kind) return false;
  switch (a.kind) {
    case Node::kNumber:
      return a.number == p.number;
    case Node::kSelector: {
      if (!SameMetricName(a.name, p.name) || (windows && a.window_s != p.window_s)) return false;
      for (const auto& [k, v] : p.matchers) {
        auto it = a.matchers.find(k);
        if (it == a.matchers.end() || it->second != v) return false;
      }
      if (group != nullptr) {
        for (const auto& [k, v] : a.matchers) {
          if (p.matchers.count(k)) continue;
          // Lenient matchers carry their operator: "=gpu-7", "!=0", "=~gpu-.*".
          const bool equality = !v.empty() && v[0] == '=' && (v.size() < 2 || v[1] != '~');
          if (!equality || std::find(group->begin(), group->end(), k) == group->end()) return false;
        }
      }
      return true;
    }
    case Node::kRangeFn:
    case Node::kElemFn:
      return a.name == p.name && Same(*a.a, *p.a, windows, group);
    case Node::kAgg: {
      std::vector<std::string> x = a.by, y = p.by;
      std::sort(x.begin(), x.end());
      std::sort(y.begin(), y.end());
      return a.name == p.name && x == y && a.param == p.param && Same(*a.a, *p.a, windows, &a.by);
    }
    case Node::kBinary:
      return a.name == p.name && Same(*a.a, *p.a, windows, group) && Same(*a.b, *p.b, windows, group);
  }
  return false;
}

// `n` as a * x + b of the condition's left-hand side `x` (Same), by + - and * / with numbers:
// `100 - (MemAvailable / MemTotal * 100)` is -100 x + 100 of `MemAvailable / MemTotal`.
std::optional<std::pair<double, double>> LinearIn(const Node& n, const Node& x) {
  if (Same(n, x, true)) return std::make_pair(1.0, 0.0);
  if (n.kind == Node::kNumber) return std::make_pair(0.0, n.number);
  if (n.kind != Node::kBinary) return std::nullopt;
  auto l = LinearIn(*n.a, x), r = LinearIn(*n.b, x);
  if (!l || !r) return std::nullopt;
  if (n.name == "+") return std::make_pair(l->first + r->first, l->second + r->second);
  if (n.name == "-") return std::make_pair(l->first - r->first, l->second - r->second);
  if (n.name == "*") {
    if (l->first == 0) return std::make_pair(l->second * r->first, l->second * r->second);
    if (r->first == 0) return std::make_pair(r->second * l->first, r->second * l->second);
    return std::nullopt;
  }
  if (n.name == "/" && r->first == 0 && r->second != 0) return std::make_pair(l->first / r->second, l->second / r->second);
  return std::nullopt;
}

struct Comparison {
  const Node* lhs = nullptr;
  std::string op;
  double threshold = 0;
};

std::optional<Comparison> AsComparison(const Node& n) {
  static const std::set<std::string> kCmp = {">", ">=", "<", "<=", "==", "!="};
  if (n.kind != Node::kBinary || !kCmp.count(n.name)) return std::nullopt;
  if (n.b->kind == Node::kNumber && n.a->kind != Node::kNumber) return Comparison{n.a.get(), n.name, n.b->number};
  if (n.a->kind == Node::kNumber && n.b->kind != Node::kNumber) {
    // 85 < X is X > 85.
    static const std::map<std::string, std::string> kFlip = {{">", "<"}, {">=", "<="}, {"<", ">"}, {"<=", ">="}, {"==", "=="}, {"!=", "!="}};
    return Comparison{n.b.get(), kFlip.at(n.name), n.a->number};
  }
  return std::nullopt;
}

// `v op_a ta` (for every value it holds of) implies `v op_p tp`.
bool BoundImplies(const std::string& op_a, double ta, const std::string& op_p, double tp) {
  if (op_a == op_p && ta == tp) return true;  // the same statement
  const bool up_a = op_a == ">" || op_a == ">=", down_a = op_a == "<" || op_a == "<=";
  if (op_a == "==") {
    if (op_p == ">") return ta > tp;
    if (op_p == ">=") return ta >= tp;
    if (op_p == "<") return ta < tp;
    if (op_p == "<=") return ta <= tp;
    if (op_p == "==") return ta == tp;
    return ta != tp;
  }
  if (op_p == ">") return up_a && (op_a == ">" ? ta >= tp : ta > tp);
  if (op_p == ">=") return up_a && ta >= tp;
  if (op_p == "<") return down_a && (op_a == "<" ? ta <= tp : ta < tp);
  if (op_p == "<=") return down_a && ta <= tp;
  if (op_p == "!=") return (up_a && (op_a == ">" ? ta >= tp : ta > tp)) || (down_a && (op_a == "<" ? ta <= tp : ta < tp));
  return false;  // `==` from a range
}

bool IsOrdering(const std::string& op) { return op == ">" || op == ">=" || op == "<" || op == "<="; }

// `k * X op t`, `X * k op t` or `X / k op t` with a number k != 0 as a comparison of X (AO5b): a rate
// per minute (`rate(X[5m]) * 60 > 50`) is the rate's `> 50/60`; a negative k turns the comparison.
// nullopt when the left-hand side is no such scale (k = 0 states nothing of X).
std::optional<Comparison> Unscaled(const Comparison& c) {
  const Node& n = *c.lhs;
  if (n.kind != Node::kBinary || (n.name != "*" && n.name != "/") || !n.a || !n.b) return std::nullopt;
  const Node* x = nullptr;
  double k = 0;
  if (n.b->kind == Node::kNumber && n.a->kind != Node::kNumber) {
    x = n.a.get();
    k = n.name == "*" ? n.b->number : (n.b->number != 0 ? 1 / n.b->number : 0);
  } else if (n.name == "*" && n.a->kind == Node::kNumber && n.b->kind != Node::kNumber) {
    x = n.b.get();
    k = n.a->number;
  }
  if (x == nullptr || k == 0 || !std::isfinite(k)) return std::nullopt;
  const double t = c.threshold / k;
  if (!std::isfinite(t)) return std::nullopt;
  static const std::map<std::string, std::string> kFlip = {{">", "<"}, {">=", "<="}, {"<", ">"}, {"<=", ">="}, {"==", "=="}, {"!=", "!="}};
  return Comparison{x, k > 0 ? c.op : kFlip.at(c.op), t};
}

// The alert's comparison `a` held implies the condition's comparison `p` held (for some series at
// some time): same metric, a compatible reading of it, a bound at least as strict.
bool ComparisonImplies(Comparison a, const Comparison& p) {
  // The same left-hand side (matchers aside: the alert may select fewer series): the bounds decide.
  if (Same(*a.lhs, *p.lhs, true)) return BoundImplies(a.op, a.threshold, p.op, p.threshold);
  // A linear reading of the condition's left-hand side (`100 - x * 100 > 90` is `x < 0.1`).
  if (auto lin = LinearIn(*a.lhs, *p.lhs); lin && lin->first != 0 && std::isfinite(lin->first)) {
    static const std::map<std::string, std::string> kFlip = {{">", "<"}, {">=", "<="}, {"<", ">"}, {"<=", ">="}, {"==", "=="}, {"!=", "!="}};
    const double t = (a.threshold - lin->second) / lin->first;
    if (!std::isfinite(t)) return false;
    return BoundImplies(lin->first > 0 ? a.op : kFlip.at(a.op), t, p.op, p.threshold);
  }
  // A scale of another reading (`rate(X[5m]) * 60 > 50`: per minute): that reading's comparison.
  if (auto u = Unscaled(a)) return ComparisonImplies(*u, p);
  if (!IsOrdering(a.op)) return false;
  // max/min/avg over a group of series beyond a bound: some series of the group is beyond it
  // (an average lies between the group's extremes). Not sum or count (no series need be).
  if (a.lhs->kind == Node::kAgg && p.lhs->kind != Node::kAgg &&
      (a.lhs->name == "max" || a.lhs->name == "min" || a.lhs->name == "avg")) {
    a.lhs = a.lhs->a.get();
    return ComparisonImplies(a, p);
  }
  // The condition reads a metric as sampled (`X > 85`): the alert's X, or X averaged, maxed, minned
  // or last over a window beyond a bound had a sample beyond it. A counter that grew (increase or
  // rate above 0) is above 0, so above any bound at or below 0.
  if (p.lhs->kind == Node::kSelector) {
    const Node* inner = a.lhs;
    bool grew = false;
    if (inner->kind == Node::kRangeFn) {
      static const std::set<std::string> kGauge = {"avg_over_time", "max_over_time", "min_over_time", "last_over_time"};
      grew = (inner->name == "increase" || inner->name == "rate") && (a.op == ">" || a.op == ">=") && a.threshold >= 0;
      if (!kGauge.count(inner->name) && !grew) return false;
      inner = inner->a.get();
    }
    if (inner->kind != Node::kSelector || !Same(*inner, *p.lhs, false)) return false;
    if (grew) return (p.op == ">" || p.op == ">=") && p.threshold <= 0 && (a.op == ">" || a.threshold > 0 || p.op == ">=");
    return BoundImplies(a.op, a.threshold, p.op, p.threshold);
  }
  // A counter's growth (`increase(X[10m]) > 100`): the alert's increase or rate over a window no
  // longer than the condition's (a counter grows at least as much over a longer window ending at the
  // same time), bounds compared as increases (a rate times its window). Growth from below only.
  // Over a longer window (AO2), by pigeonhole: the alert's window is covered by ceil(wa / wp) of the
  // condition's windows, so one of them grew by at least the alert's growth over that many - 4018
  // PCIe replays in 1h is at least 670 in one of its six 10-minute windows (> 100), while `> 500` in
  // 1h is only > 83.3 in one (not > 100). The condition then held at some time within the alert's
  // window rather than at its end, which is what a condition met at some sample means
  // (EvaluateMetricCondition).
  if (p.lhs->kind == Node::kRangeFn && a.lhs->kind == Node::kRangeFn && (p.op == ">" || p.op == ">=") &&
      (a.op == ">" || a.op == ">=")) {
    auto counter = [](const Node& n) { return n.name == "increase" || n.name == "rate"; };
    if (!counter(*p.lhs) || !counter(*a.lhs)) return false;
    if (!Same(*a.lhs->a, *p.lhs->a, false)) return false;
    const double wa = a.lhs->a->window_s, wp = p.lhs->a->window_s;
    if (wa <= 0 || wp <= 0) return false;
    double ta = a.lhs->name == "rate" ? a.threshold * wa : a.threshold;
    const double tp = p.lhs->name == "rate" ? p.threshold * wp : p.threshold;
    if (ta < 0) return false;
    if (wa > wp) ta /= std::ceil(wa / wp);
    return BoundImplies(a.op, ta, p.op, tp);
  }
  return false;
}

void Conjuncts(const Node& n, std::vector<const Node*>& out) {
  if (n.kind == Node::kBinary && n.name == "and") {
    Conjuncts(*n.a, out);
    Conjuncts(*n.b, out);
  } else {
    out.push_back(&n);
  }
}

// The condition's tree; nullptr when it is outside the subset (`lenient`: matchers read, as
// ExpressionImpliesCondition needs).
NodePtr ParseConditionText(const std::string& text, bool lenient) {
  auto tokens = Tokenize(text);
  if (!tokens) return nullptr;
  try {
    return Parser(std::move(*tokens), lenient).ParseCondition();
  } catch (const std::exception&) {
    return nullptr;
  }
}

NodePtr ParseLenient(const std::string& text) { return ParseConditionText(text, true); }

}  // namespace

std::optional<MetricConditionResult> EvaluateMetricCondition(const std::string& condition,
                                                             const std::vector<TimeSeries>& series) {
  NodePtr root = ParseConditionText(condition, false);
  if (!root) return std::nullopt;
  const Node* primary = FirstSelector(*root, false);
  if (primary == nullptr) primary = FirstSelector(*root, true);
  if (primary == nullptr) return std::nullopt;
  MetricConditionResult out;
  for (const TimeSeries& s : series) {
    if (!Matches(s, primary->name, primary->matchers) || s.empty()) continue;
    ++out.candidates;
    Evaluator ev(series, s);
    Vec holds = ev.Eval(*root, false);
    Vec left = ev.Left(*root);
    for (size_t i = 0; i < holds.size(); ++i) {
      if (holds[i] == 1) {
        out.hits.push_back({&s, left[i], s.timestamps_ms[i], i > 0});
        break;
      }
    }
  }
  return out;
}

std::optional<int64_t> LastHeldMs(const std::string& condition, const std::vector<TimeSeries>& series,
                                  const TimeSeries& candidate) {
  if (candidate.empty()) return std::nullopt;
  NodePtr root = ParseConditionText(condition, false);
  if (!root) return std::nullopt;
  Evaluator ev(series, candidate);
  const Vec holds = ev.Eval(*root, false);
  for (size_t i = holds.size(); i-- > 0;) {
    if (holds[i] == 1 && i < candidate.size()) return candidate.timestamps_ms[i];
  }
  return std::nullopt;
}

namespace {

// Each comparison of `condition` follows from one of `parts` (comparisons the alert asserts).
bool PartsImply(const std::vector<Comparison>& parts, const Node& condition) {
  std::vector<const Node*> cp;
  Conjuncts(condition, cp);
  for (const Node* pc : cp) {
    auto pcmp = AsComparison(*pc);
    if (!pcmp) return false;
    bool implied = false;
    for (const Comparison& a : parts) implied = implied || ComparisonImplies(a, *pcmp);
    if (!implied) return false;
  }
  return true;
}

std::vector<Comparison> Parts(const Node& expression) {
  std::vector<const Node*> ca;
  Conjuncts(expression, ca);
  std::vector<Comparison> out;
  for (const Node* n : ca) {
    if (auto c = AsComparison(*n)) out.push_back(*c);
  }
  return out;
}

}  // namespace

bool ExpressionImpliesCondition(const std::string& expression, const std::string& condition) {
  NodePtr a = ParseLenient(expression), p = ParseLenient(condition);
  if (!a || !p) return false;
  return PartsImply(Parts(*a), *p);
}

bool ExpressionStatesCounterGrowth(const std::string& expression, const std::string& condition) {
  NodePtr a = ParseLenient(expression), p = ParseLenient(condition);
  if (!a || !p) return false;
  auto pcmp = AsComparison(*p);
  auto counter = [](const Node& n) { return n.kind == Node::kRangeFn && (n.name == "increase" || n.name == "rate"); };
  if (!pcmp || !counter(*pcmp->lhs) || (pcmp->op != ">" && pcmp->op != ">=")) return false;
  for (Comparison c : Parts(*a)) {
    while (auto u = Unscaled(c)) c = *u;  // per minute, per hour (AO5b)
    // max/min/avg by (...) of the growth: some series of the group grew.
    while (c.lhs->kind == Node::kAgg && (c.lhs->name == "max" || c.lhs->name == "min" || c.lhs->name == "avg")) {
      c.lhs = c.lhs->a.get();
    }
    if (!counter(*c.lhs) || !Same(*c.lhs->a, *pcmp->lhs->a, false)) continue;
    // Grew: `> t` with t >= 0, or `>= t` with t > 0.
    if ((c.op == ">" && c.threshold >= 0) || (c.op == ">=" && c.threshold > 0)) return true;
  }
  return false;
}

std::optional<double> ExpressionThreshold(const std::string& expression) {
  NodePtr a = ParseLenient(expression);
  if (!a) return std::nullopt;
  auto cmp = AsComparison(*a);
  if (!cmp) return std::nullopt;
  return cmp->threshold;
}

bool ExpressionValueImpliesCondition(const std::string& expression, double value, const std::string& condition) {
  if (!std::isfinite(value)) return false;
  NodePtr a = ParseLenient(expression), p = ParseLenient(condition);
  if (!a || !p || (a->kind == Node::kBinary && a->name == "and")) return false;
  auto cmp = AsComparison(*a);
  // The value must be one the expression fires at (`> 90` fires at 98.71, not at 15).
  if (!cmp || !BoundImplies("==", value, cmp->op, cmp->threshold)) return false;
  // The left-hand side was `value`: at least and at most it.
  return PartsImply({Comparison{cmp->lhs, ">=", value}, Comparison{cmp->lhs, "<=", value}}, *p) ||
         PartsImply({Comparison{cmp->lhs, "==", value}}, *p);
}

}  // namespace vigil
