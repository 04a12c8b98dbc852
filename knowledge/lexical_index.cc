#include "knowledge/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "knowledge/text_util.h"

namespace vigil::kb {
namespace {

const std::unordered_set<std::string> kStopwords = {
    "a",  "an", "and", "are", "as",   "at",  "be",   "by", "for", "from", "has",  "have", "in",  "is",
    "it", "of", "on",  "or",  "that", "the", "this", "to", "was", "were", "with", "we",   "our", "not"};

constexpr uint32_t kAny = std::numeric_limits<uint32_t>::max();

// Result order: higher score first, then the earlier document. As a heap comparator it keeps the
// worst result on top.
struct Better {
  bool operator()(const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) const {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  }
};

}  // namespace

std::vector<std::string> LexicalQueryTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::unordered_set<std::string> seen;
  for (auto& t : Tokenize(text)) {
    if (kStopwords.contains(t) || t.size() > 64 || !seen.insert(t).second) continue;
    terms.push_back(std::move(t));
    if (terms.size() == 64) break;
  }
  return terms;
}

struct LexicalIndex::Compiled {
  struct Term {
    const Postings* p;
    double idf;
    double ub;  // upper bound of this term's contribution to any document
  };
  std::vector<Term> terms;
  uint32_t category = kAny, component = kAny;
  int64_t since_ms = 0, until_ms = 0;
  bool incidents_only = false;
  double avgdl = 1;
};

LexicalIndex::LexicalIndex() = default;
LexicalIndex::~LexicalIndex() = default;
LexicalIndex::LexicalIndex(LexicalIndex&&) noexcept = default;
LexicalIndex& LexicalIndex::operator=(LexicalIndex&&) noexcept = default;

uint32_t LexicalIndex::Intern(std::unordered_map<std::string, uint32_t>& table, std::string_view s) {
  auto [it, inserted] = table.try_emplace(std::string(s), static_cast<uint32_t>(table.size()));
  return it->second;
}

float LexicalIndex::TfPart(uint32_t f, uint32_t doc_len, double avgdl) const {
  double k = kK1 * (1 - kB + kB * doc_len / avgdl);
  return static_cast<float>(f * (kK1 + 1) / (f + k));
}

void LexicalIndex::Add(const LexicalDoc& doc) {
  const uint32_t d = static_cast<uint32_t>(doc_ids_.size());
  uint32_t len = 0;
  scratch_terms_.clear();
  auto count = [&](std::string_view text, uint32_t weight) {
    ForEachToken(text, [&](const std::string& tok) {
      ++len;
      auto it = term_ids_.find(tok);
      uint32_t t;
      if (it == term_ids_.end()) {
        t = static_cast<uint32_t>(postings_.size());
        term_ids_.emplace(tok, t);
        postings_.emplace_back();
      } else {
        t = it->second;
      }
      if (t >= scratch_count_.size()) scratch_count_.resize(postings_.size() * 2, 0);
      if (scratch_count_[t] == 0) scratch_terms_.push_back(t);
      scratch_count_[t] += weight;
    });
  };
  count(doc.title, static_cast<uint32_t>(kTitleWeight));
  count(doc.body, static_cast<uint32_t>(kBodyWeight));
  doc_ids_.push_back(doc.id);
  doc_len_.push_back(len);
  attrs_.push_back({Intern(category_ids_, doc.category), Intern(component_ids_, doc.component), doc.time_ms,
                    doc.incident});
  total_len_ += len;
  const double avgdl = std::max(1.0, double(total_len_) / doc_ids_.size());
  if (bound_avgdl_ == 0) bound_avgdl_ = avgdl;
  for (uint32_t t : scratch_terms_) {
    uint32_t f = std::min<uint32_t>(scratch_count_[t], 255);
    scratch_count_[t] = 0;
    Postings& p = postings_[t];
    p.docs.push_back(d);
    p.freqs.push_back(static_cast<uint8_t>(f));
    p.max_tf_part = std::max(p.max_tf_part, TfPart(f, len, bound_avgdl_));
  }
  total_postings_ += scratch_terms_.size();
  // Bounds computed under an older avgdl stay valid after a scale (see Prepare) but loosen;
  // recompute them when the average length has drifted by more than 10%.
  if (avgdl > bound_avgdl_ * 1.1 || avgdl < bound_avgdl_ / 1.1) RefreshBounds();
}

void LexicalIndex::RefreshBounds() {
  bound_avgdl_ = std::max(1.0, double(total_len_) / std::max<size_t>(1, doc_ids_.size()));
  for (auto& p : postings_) {
    float m = 0;
    for (size_t i = 0; i < p.docs.size(); ++i)
      m = std::max(m, TfPart(p.freqs[i], doc_len_[p.docs[i]], bound_avgdl_));
    p.max_tf_part = m;
  }
}

size_t LexicalIndex::MemoryBytes() const {
  size_t b = doc_ids_.capacity() * sizeof(int64_t) + doc_len_.capacity() * sizeof(uint32_t) +
             attrs_.capacity() * sizeof(Attr) + postings_.capacity() * sizeof(Postings) +
             scratch_count_.capacity() * sizeof(uint32_t);
  for (const auto& p : postings_) b += p.docs.capacity() * sizeof(uint32_t) + p.freqs.capacity();
  for (const auto& [k, v] : term_ids_) b += k.capacity() + 1 + sizeof(k) + sizeof(v) + 2 * sizeof(void*);
  return b;
}

bool LexicalIndex::Prepare(std::span<const std::string> terms, const LexicalFilter& filter,
                           Compiled* c) const {
  if (doc_ids_.empty()) return false;
  auto code = [](const std::unordered_map<std::string, uint32_t>& table, const std::string& s,
                 uint32_t* out) {
    if (s.empty()) return true;
    auto it = table.find(s);
    if (it == table.end()) return false;  // no document has it: nothing can pass
    *out = it->second;
    return true;
  };
  if (!code(category_ids_, filter.category, &c->category)) return false;
  if (!code(component_ids_, filter.component, &c->component)) return false;
  c->since_ms = filter.since_ms;
  c->until_ms = filter.until_ms;
  c->incidents_only = !filter.include_guides;
  const double n = double(doc_ids_.size());
  c->avgdl = std::max(1.0, double(total_len_) / n);
  // A bound computed under avgdl A holds under avgdl A' after scaling by max(1, A'/A): the
  // length-normalised denominator shrinks by at most that factor. (1 + 1e-6) absorbs rounding.
  const double scale = std::max(1.0, c->avgdl / bound_avgdl_) * (1 + 1e-6);
  std::vector<uint32_t> seen;
  for (const auto& t : terms) {
    auto it = term_ids_.find(t);
    if (it == term_ids_.end()) continue;
    if (std::find(seen.begin(), seen.end(), it->second) != seen.end()) continue;
    seen.push_back(it->second);
    const Postings& p = postings_[it->second];
    double df = double(p.docs.size());
    double idf = std::log((n - df + 0.5) / (df + 0.5));
    if (idf <= 0) idf = 1e-6;  // as FTS5: very common terms still count, barely
    c->terms.push_back({&p, idf, idf * p.max_tf_part * scale});
  }
  return !c->terms.empty();
}

bool LexicalIndex::Passes(uint32_t doc, const Compiled& c) const {
  const Attr& a = attrs_[doc];
  if (c.incidents_only && !a.incident) return false;
  if (c.category != kAny && a.category != c.category) return false;
  if (c.component != kAny && a.component != c.component) return false;
  if (c.since_ms != 0 && a.time_ms < c.since_ms) return false;
  if (c.until_ms != 0 && a.time_ms >= c.until_ms) return false;
  return true;
}

std::vector<LexicalIndex::Hit> LexicalIndex::Search(std::span<const std::string> terms, size_t depth,
                                                    const LexicalFilter& filter) const {
  std::vector<Hit> out;
  Compiled c;
  if (depth == 0 || !Prepare(terms, filter, &c)) return out;
  // MaxScore: lists sorted by bound ascending; lists [0, first_essential) are "non-essential":
  // together they cannot lift a document above the current threshold, so candidates come only
  // from the others and the non-essential ones are probed by binary search.
  std::sort(c.terms.begin(), c.terms.end(), [](const auto& a, const auto& b) { return a.ub < b.ub; });
  const size_t n = c.terms.size();
  std::vector<double> prefix(n);
  for (size_t i = 0; i < n; ++i) prefix[i] = c.terms[i].ub + (i ? prefix[i - 1] : 0);
  std::vector<size_t> pos(n, 0);
  std::vector<std::pair<double, uint32_t>> heap;  // worst on top (max-heap under Better)
  heap.reserve(depth + 1);
  double theta = -1;  // score to beat once the heap is full
  size_t first_essential = 0;
  const double k1b = kK1 * kB / c.avgdl, k1nb = kK1 * (1 - kB);
  auto contribution = [&](size_t i, size_t at, uint32_t doc) {
    double f = c.terms[i].p->freqs[at];
    return c.terms[i].idf * f * (kK1 + 1) / (f + k1nb + k1b * doc_len_[doc]);
  };
  while (true) {
    uint32_t d = std::numeric_limits<uint32_t>::max();
    for (size_t i = first_essential; i < n; ++i) {
      const auto& docs = c.terms[i].p->docs;
      if (pos[i] < docs.size()) d = std::min(d, docs[pos[i]]);
    }
    if (d == std::numeric_limits<uint32_t>::max()) break;
    const bool pass = Passes(d, c);
    double s = 0;
    for (size_t i = first_essential; i < n; ++i) {
      const auto& docs = c.terms[i].p->docs;
      if (pos[i] < docs.size() && docs[pos[i]] == d) {
        if (pass) s += contribution(i, pos[i], d);
        ++pos[i];
      }
    }
    if (!pass) continue;
    const bool full = heap.size() == depth;
    bool dropped = false;
    for (size_t i = first_essential; i-- > 0;) {
      // Every document in the heap precedes d, so d must beat theta strictly.
      if (full && s + prefix[i] <= theta) {
        dropped = true;
        break;
      }
      const auto& docs = c.terms[i].p->docs;
      auto it = std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(pos[i]), docs.end(), d);
      pos[i] = static_cast<size_t>(it - docs.begin());
      if (it != docs.end() && *it == d) s += contribution(i, pos[i], d);
    }
    if (dropped || (full && s <= theta)) continue;
    heap.emplace_back(s, d);
    std::push_heap(heap.begin(), heap.end(), Better());
    if (heap.size() > depth) {
      std::pop_heap(heap.begin(), heap.end(), Better());
      heap.pop_back();
    }
    if (heap.size() == depth) {
      theta = heap.front().first;
      while (first_essential < n && prefix[first_essential] <= theta) ++first_essential;
    }
  }
  std::sort_heap(heap.begin(), heap.end(), Better());
  for (const auto& [s, d] : heap) out.push_back({doc_ids_[d], s});
  return out;
}

std::vector<LexicalIndex::Hit> LexicalIndex::SearchExhaustive(std::span<const std::string> terms,
                                                              size_t depth,
                                                              const LexicalFilter& filter) const {
  std::vector<Hit> out;
  Compiled c;
  if (depth == 0 || !Prepare(terms, filter, &c)) return out;
  std::vector<double> acc(doc_ids_.size(), 0);
  std::vector<uint32_t> touched;
  for (const auto& t : c.terms) {
    for (size_t i = 0; i < t.p->docs.size(); ++i) {
      uint32_t d = t.p->docs[i];
      double f = t.p->freqs[i];
      double k = kK1 * (1 - kB + kB * doc_len_[d] / c.avgdl);
      if (acc[d] == 0) touched.push_back(d);
      acc[d] += t.idf * f * (kK1 + 1) / (f + k);
    }
  }
  std::vector<std::pair<double, uint32_t>> all;
  for (uint32_t d : touched)
    if (Passes(d, c)) all.emplace_back(acc[d], d);
  std::sort(all.begin(), all.end(), Better());
  if (all.size() > depth) all.resize(depth);
  for (const auto& [s, d] : all) out.push_back({doc_ids_[d], s});
  return out;
}

}  // namespace vigil::kb
