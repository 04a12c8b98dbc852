#include "knowledge/lexical_index.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unordered_set>

#include "knowledge/text_util.h"

namespace vigil::kb {
namespace {

const std::unordered_set<std::string> kStopwords = {
    "a",  "an", "and", "are", "as",   "at",  "be",   "by", "for", "from", "has",  "have", "in",  "is",
    "it", "of", "on",  "or",  "that", "the", "this", "to", "was", "were", "with", "we",   "our", "not"};

constexpr uint32_t kAny = std::numeric_limits<uint32_t>::max();

// Scores are sums of per-term contributions in fixed point (units of 2^-40): integer addition is
// associative, so a document's score is the same bits whichever order its terms are added in.
// MaxScore adds a document's terms in another order than exhaustive scoring does; with
// floating-point sums the two differed in the last bits and ordered near-ties differently
// (138 of 168 benchmark queries at 1 M entries). The rounding is below 2^-41 per term, far
// inside FTS5's own precision, and the largest possible score (64 terms, idf <= ln(2^33),
// tf part < 2.2) stays below 2^52.
constexpr double kScoreUnit = 1099511627776.0;  // 2^40
int64_t Quantize(double c) { return static_cast<int64_t>(c * kScoreUnit + 0.5); }

// Result order: higher score first, then the earlier document. As a heap comparator it keeps the
// worst result on top.
struct Better {
  bool operator()(const std::pair<int64_t, uint32_t>& a, const std::pair<int64_t, uint32_t>& b) const {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  }
};

// The first position at or after `from` whose document is >= d. Candidates arrive in ascending
// order and are usually near the last probe, so gallop forward (1, 2, 4, ... entries) before the
// binary search: O(log gap) instead of O(log list), and the first steps stay in cache.
size_t SeekFrom(const std::vector<uint32_t>& docs, size_t from, uint32_t d) {
  const size_t n = docs.size();
  if (from >= n || docs[from] >= d) return from;
  size_t lo = from, step = 1;  // docs[lo] < d
  while (lo + step < n && docs[lo + step] < d) {
    lo += step;
    step *= 2;
  }
  const size_t hi = std::min(n, lo + step + 1);
  return static_cast<size_t>(std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(lo) + 1,
                                              docs.begin() + static_cast<std::ptrdiff_t>(hi), d) -
                             docs.begin());
}

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
    int64_t ub;  // upper bound of this term's quantized contribution to any document
  };
  std::vector<Term> terms;
  uint32_t category = kAny, component = kAny;
  int64_t since_ms = 0, until_ms = 0;
  bool incidents_only = false;
  bool attr_filter = false;  // a category, component or time bound: attrs_ must be read
  double k1nb = 0, k1b = 0;  // k1 (1 - b) and k1 b / avgdl: K(|d|) = k1nb + k1b |d|

  // Term i's contribution to document `doc` at posting `at`, in fixed point. The one formula
  // both Search and SearchExhaustive use.
  int64_t Contribution(const Term& t, size_t at, uint32_t doc_len) const {
    const double f = t.p->freqs[at];
    // At least one unit, so "accumulated 0" means "not seen" (a contribution is >= ~1e-9 anyway).
    return std::max<int64_t>(1, Quantize(t.idf * f * (kK1 + 1) / (f + k1nb + k1b * doc_len)));
  }
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

namespace {

// The slot hash of a term from its word hash, Fnv1a64(term, kWordHashSeed), which the import's
// TokenStream has already computed for the embedder (before 2026-11-30 afternoon the table
// hashed each token again, with Fnv1a64's default seed; the table is not saved, so only lookup
// speed depends on this function).
uint64_t TermHash(uint64_t word_hash) {
  uint64_t h = word_hash;
  h ^= h >> 31;
  return h * 0x9e3779b97f4a7c15ULL;  // spreads FNV's weak low bits over the slot index
}

}  // namespace

int64_t TermTable::Find(std::string_view term) const {
  if (slots_.empty()) return -1;
  const uint64_t h = TermHash(Fnv1a64(term, kWordHashSeed)), tag = h >> 32 << 32, mask = slots_.size() - 1;
  for (uint64_t i = h & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return -1;
    if ((slot & ~uint64_t{0xffffffff}) == tag) {
      const auto id = static_cast<uint32_t>(slot) - 1;
      if (Name(id) == term) return id;
    }
  }
}

uint32_t TermTable::Insert(std::string_view term, uint64_t word_hash) {
  if ((size() + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(1024, slots_.size() * 2));
  const uint64_t h = TermHash(word_hash), tag = h >> 32 << 32, mask = slots_.size() - 1;
  uint64_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) break;
    if ((slot & ~uint64_t{0xffffffff}) == tag) {
      const auto id = static_cast<uint32_t>(slot) - 1;
      if (Name(id) == term) return id;
    }
  }
  const auto id = static_cast<uint32_t>(size());
  chars_.append(term);
  ends_.push_back(static_cast<uint32_t>(chars_.size()));
  hashes_.push_back(h);
  slots_[i] = tag | (id + 1);
  return id;
}

void TermTable::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  const uint64_t mask = slots - 1;
  for (size_t id = 0; id < hashes_.size(); ++id) {
    uint64_t i = hashes_[id] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (hashes_[id] >> 32 << 32) | (id + 1);
  }
}

std::vector<uint32_t> TermTable::Lengths() const {
  std::vector<uint32_t> lens(ends_.size());
  for (size_t t = 0; t < ends_.size(); ++t) lens[t] = ends_[t] - (t ? ends_[t - 1] : 0);
  return lens;
}

size_t TermTable::MemoryBytes() const {
  return chars_.capacity() + ends_.capacity() * sizeof(uint32_t) + hashes_.capacity() * sizeof(uint64_t) +
         slots_.capacity() * sizeof(uint64_t);
}

void LexicalIndex::Add(const LexicalDoc& doc) {
  scratch_tokens_.Clear();
  scratch_tokens_.Append(doc.title);
  const size_t title_tokens = scratch_tokens_.size();
  scratch_tokens_.Append(doc.body);
  const LexicalTokenizedDoc one{doc, &scratch_tokens_, title_tokens};
  AddBatch({&one, 1});
}

void LexicalIndex::AddBatch(std::span<const LexicalTokenizedDoc> docs) {
  size_t next = 0;
  while (next < docs.size()) {
    // Documents are counted one by one (vocabulary ids in token order, lengths, attributes)
    // up to one whose average length drifts past the bounds' (Add refreshed them right after
    // that document's postings); then the postings of these documents go in term by term.
    batch_postings_.clear();
    batch_terms_.clear();
    bool refresh = false;
    for (; next < docs.size() && !refresh; ++next) {
      const LexicalTokenizedDoc& in = docs[next];
      const TokenStream& tokens = *in.tokens;
      const auto d = static_cast<uint32_t>(doc_ids_.size());
      const auto len = static_cast<uint32_t>(tokens.size());
      scratch_terms_.clear();
      for (size_t i = 0; i < tokens.size(); ++i) {
        const uint32_t t = terms_.Insert(tokens.token(i), tokens.hashes[i]);
        if (t == postings_.size()) postings_.emplace_back();
        if (t >= scratch_count_.size()) scratch_count_.resize(postings_.size() * 2, 0);
        if (scratch_count_[t] == 0) scratch_terms_.push_back(t);
        scratch_count_[t] += static_cast<uint32_t>(i < in.title_tokens ? kTitleWeight : kBodyWeight);
      }
      if (batch_term_count_.size() < scratch_count_.size())
        batch_term_count_.resize(scratch_count_.size(), 0);
      for (uint32_t t : scratch_terms_) {
        batch_postings_.push_back({d, t, std::min<uint32_t>(scratch_count_[t], 255)});
        scratch_count_[t] = 0;
        if (batch_term_count_[t]++ == 0) batch_terms_.push_back(t);
      }
      doc_ids_.push_back(in.doc.id);
      doc_len_.push_back(len);
      PushAttr({Intern(category_ids_, in.doc.category), Intern(component_ids_, in.doc.component), in.doc.time_ms,
                in.doc.incident});
      total_len_ += len;
      const double avgdl = std::max(1.0, double(total_len_) / doc_ids_.size());
      if (bound_avgdl_ == 0) bound_avgdl_ = avgdl;
      // Bounds computed under an older avgdl stay valid after a scale (see Prepare) but loosen;
      // recompute them when the average length has drifted by more than 10%.
      refresh = avgdl > bound_avgdl_ * 1.1 || avgdl < bound_avgdl_ / 1.1;
    }
    // Group the triples by term (first occurrence order), documents ascending within a term.
    uint32_t offset = 0;
    for (uint32_t t : batch_terms_) {
      const uint32_t c = batch_term_count_[t];
      batch_term_count_[t] = offset;
      offset += c;
    }
    batch_sorted_.resize(batch_postings_.size());
    for (const BatchPosting& b : batch_postings_) batch_sorted_[batch_term_count_[b.term]++] = b;
    size_t at = 0;
    for (uint32_t t : batch_terms_) {
      const size_t end = batch_term_count_[t];
      batch_term_count_[t] = 0;
      Postings& p = postings_[t];
      // The first posting since the last save: the next segment carries this term's new postings.
      if (!saved_.path.empty() && (p.docs.empty() || p.docs.back() < saved_.docs)) dirty_terms_.push_back(t);
      float m = p.max_tf_part;
      for (; at < end; ++at) {
        const BatchPosting& b = batch_sorted_[at];
        p.docs.push_back(b.doc);
        p.freqs.push_back(static_cast<uint8_t>(b.f));
        m = std::max(m, TfPart(b.f, doc_len_[b.doc], bound_avgdl_));
      }
      p.max_tf_part = m;
    }
    total_postings_ += batch_postings_.size();
    if (refresh) RefreshBounds();
  }
}

void LexicalIndex::RefreshBounds() {
  bounds_refreshed_ = true;
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
             attrs_.capacity() * sizeof(Attr) + incident_bits_.capacity() * sizeof(uint64_t) + postings_.capacity() * sizeof(Postings) +
             scratch_count_.capacity() * sizeof(uint32_t);
  for (const auto& p : postings_) b += p.docs.capacity() * sizeof(uint32_t) + p.freqs.capacity();
  b += terms_.MemoryBytes();
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
  c->attr_filter = c->category != kAny || c->component != kAny || c->since_ms != 0 || c->until_ms != 0;
  const double n = double(doc_ids_.size());
  const double avgdl = std::max(1.0, double(total_len_) / n);
  c->k1nb = kK1 * (1 - kB);
  c->k1b = kK1 * kB / avgdl;
  // A bound computed under avgdl A holds under avgdl A' after scaling by max(1, A'/A): the
  // length-normalised denominator shrinks by at most that factor. (1 + 1e-6) absorbs rounding;
  // Quantize is monotone, so the quantized bound bounds every quantized contribution.
  const double scale = std::max(1.0, avgdl / bound_avgdl_) * (1 + 1e-6);
  std::vector<uint32_t> seen;
  for (const auto& t : terms) {
    const int64_t id = terms_.Find(t);
    if (id < 0) continue;
    if (std::find(seen.begin(), seen.end(), static_cast<uint32_t>(id)) != seen.end()) continue;
    seen.push_back(static_cast<uint32_t>(id));
    const Postings& p = postings_[static_cast<size_t>(id)];
    double df = double(p.docs.size());
    double idf = std::log((n - df + 0.5) / (df + 0.5));
    if (idf <= 0) idf = 1e-6;  // as FTS5: very common terms still count, barely
    c->terms.push_back({&p, idf, Quantize(idf * p.max_tf_part * scale) + 1});
  }
  return !c->terms.empty();
}

void LexicalIndex::PushAttr(const Attr& a) {
  const size_t d = attrs_.size();
  attrs_.push_back(a);
  if (d / 64 >= incident_bits_.size()) incident_bits_.push_back(0);
  if (a.incident) incident_bits_[d / 64] |= uint64_t{1} << (d % 64);
}

bool LexicalIndex::Passes(uint32_t doc, const Compiled& c) const {
  if (c.incidents_only && !((incident_bits_[doc / 64] >> (doc % 64)) & 1)) return false;
  // attrs_ is read only for a filter on its other fields (KB8: a cache miss per candidate at 1 M).
  if (!c.attr_filter) return true;
  const Attr& a = attrs_[doc];
  if (c.category != kAny && a.category != c.category) return false;
  if (c.component != kAny && a.component != c.component) return false;
  if (c.since_ms != 0 && a.time_ms < c.since_ms) return false;
  if (c.until_ms != 0 && a.time_ms >= c.until_ms) return false;
  return true;
}

std::vector<LexicalIndex::Hit> LexicalIndex::Search(std::span<const std::string> terms, size_t depth,
                                                    const LexicalFilter& filter, SearchStats* stats) const {
  std::vector<Hit> out;
  Compiled c;
  SearchStats st;
  if (stats) *stats = st;
  if (depth == 0 || !Prepare(terms, filter, &c)) return out;
  for (const auto& t : c.terms) st.postings_total += t.p->docs.size();
  // MaxScore (Turtle & Flood), processed in windows of documents as Lucene's MaxScoreBulkScorer
  // does. Lists sorted by bound ascending; lists [0, essential) are "non-essential": together
  // they cannot lift a document above the current threshold, so candidates come only from the
  // others. Per window, the essential lists are added term at a time into an accumulator (a
  // tight loop over postings instead of a document-at-a-time merge that took the minimum over
  // every essential list for each candidate: on the benchmark's prose queries at 1 M entries,
  // 15 essential lists and ~300 000 candidates); then each candidate, in document order, gets
  // the non-essential lists probed (galloping) from the largest bound down, abandoned as soon
  // as its score plus what is left cannot beat the threshold. `essential` moves only between
  // windows: a window's accumulator already holds the lists essential at its start.
  std::sort(c.terms.begin(), c.terms.end(), [](const auto& a, const auto& b) { return a.ub < b.ub; });
  const size_t n = c.terms.size();
  std::vector<int64_t> prefix(n);
  for (size_t i = 0; i < n; ++i) prefix[i] = c.terms[i].ub + (i ? prefix[i - 1] : 0);
  std::vector<size_t> pos(n, 0);
  std::vector<std::pair<int64_t, uint32_t>> heap;  // worst on top (max-heap under Better)
  // No more hits than documents: `vigil kb search --k 2147483647` asked for a heap of 8.6e9
  // entries (depth = 4 k) and ended in "internal error: std::bad_alloc" (QA3).
  heap.reserve(std::min(depth, doc_ids_.size()) + 1);
  int64_t theta = -1;  // score to beat once the heap is full
  bool full = false;
  size_t essential = 0;
  constexpr uint32_t kWindow = 4096;
  std::vector<int64_t> acc(kWindow, 0);
  std::vector<uint64_t> touched(kWindow / 64, 0);
  const auto num_docs = static_cast<uint32_t>(doc_ids_.size());
  for (uint32_t base = 0; base < num_docs && essential < n;) {
    const uint32_t end = num_docs - base > kWindow ? base + kWindow : num_docs;
    const size_t window_essential = essential;
    for (size_t i = window_essential; i < n; ++i) {
      const Compiled::Term& t = c.terms[i];
      const uint32_t* docs = t.p->docs.data();
      const size_t size = t.p->docs.size();
      size_t p = pos[i];
      for (; p < size && docs[p] < end; ++p) {
        const uint32_t d = docs[p], w = d - base;
        acc[w] += c.Contribution(t, p, doc_len_[d]);
        touched[w >> 6] |= uint64_t{1} << (w & 63);
      }
      st.postings_read += p - pos[i];
      pos[i] = p;
    }
    for (uint32_t word = 0; word < kWindow / 64; ++word) {
      for (uint64_t bits = touched[word]; bits != 0; bits &= bits - 1) {
        const uint32_t w = word * 64 + static_cast<uint32_t>(__builtin_ctzll(bits)), d = base + w;
        int64_t s = acc[w];
        acc[w] = 0;
        // A document the non-essential lists cannot lift above the threshold is dropped before
        // its filter attributes are read (KB8): the probe loop below would drop it at its first
        // step, so the hits are the same; at 1 M entries the random read of attrs_ per candidate
        // was half of the search's samples (a cache miss each).
        if (full && s + (window_essential ? prefix[window_essential - 1] : 0) <= theta) continue;
        if (!Passes(d, c)) continue;
        ++st.candidates;
        bool dropped = false;
        for (size_t i = window_essential; i-- > 0;) {
          // Every document in the heap precedes d, so d must beat theta strictly.
          if (full && s + prefix[i] <= theta) {
            dropped = true;
            break;
          }
          const auto& docs = c.terms[i].p->docs;
          ++st.probes;
          pos[i] = SeekFrom(docs, pos[i], d);
          if (pos[i] < docs.size() && docs[pos[i]] == d) s += c.Contribution(c.terms[i], pos[i], doc_len_[d]);
        }
        if (dropped || (full && s <= theta)) continue;
        heap.emplace_back(s, d);
        std::push_heap(heap.begin(), heap.end(), Better());
        if (heap.size() > depth) {
          std::pop_heap(heap.begin(), heap.end(), Better());
          heap.pop_back();
        }
        if (heap.size() == depth) {
          full = true;
          theta = heap.front().first;
          while (essential < n && prefix[essential] <= theta) ++essential;
        }
      }
      touched[word] = 0;
    }
    // Skip the windows no essential list has a posting in.
    uint32_t next = num_docs;
    for (size_t i = essential; i < n; ++i) {
      const auto& docs = c.terms[i].p->docs;
      if (pos[i] < docs.size()) next = std::min(next, docs[pos[i]]);
    }
    base = std::max(end, next / kWindow * kWindow);
  }
  std::sort_heap(heap.begin(), heap.end(), Better());
  for (const auto& [s, d] : heap) out.push_back({doc_ids_[d], double(s) / kScoreUnit});
  if (stats) *stats = st;
  return out;
}

std::vector<LexicalIndex::Hit> LexicalIndex::SearchExhaustive(std::span<const std::string> terms,
                                                              size_t depth,
                                                              const LexicalFilter& filter) const {
  std::vector<Hit> out;
  Compiled c;
  if (depth == 0 || !Prepare(terms, filter, &c)) return out;
  std::vector<int64_t> acc(doc_ids_.size(), 0);
  std::vector<uint32_t> touched;
  for (const auto& t : c.terms) {
    for (size_t i = 0; i < t.p->docs.size(); ++i) {
      const uint32_t d = t.p->docs[i];
      if (acc[d] == 0) touched.push_back(d);
      acc[d] += c.Contribution(t, i, doc_len_[d]);
    }
  }
  std::vector<std::pair<int64_t, uint32_t>> all;
  for (uint32_t d : touched)
    if (Passes(d, c)) all.emplace_back(acc[d], d);
  std::sort(all.begin(), all.end(), Better());
  if (all.size() > depth) all.resize(depth);
  for (const auto& [s, d] : all) out.push_back({doc_ids_[d], double(s) / kScoreUnit});
  return out;
}

// --- persistence ---------------------------------------------------------------------------
//
// File layout (little-endian, as the host writes it; the magic's byte order check refuses a
// file from a big-endian host). Base: magic "VGLBM25\0", u32 format version, u64 stamp, u64
// counts (documents, terms, categories, components, total length, postings), f64 bound avgdl;
// per-document arrays (ids, lengths, category code, component code, time, incident flag); the
// category, component and term strings (u32 lengths, then the bytes); per term its posting
// count, document numbers, frequencies and bound; a u64 checksum of the base. Then any number
// of segments: magic "VGLBSEG\0", u64 stamp, u64 checksum of the part before (the chain), u64
// counts before and after (documents, terms, categories, components), u64 total length and
// postings after, f64 bound avgdl; the new documents' arrays; the new strings; u32 number of
// terms with new postings, their ids and counts, then their document numbers and frequencies;
// u8 "every bound follows" flag and the bounds (every term's, or those terms'); a u64 checksum
// of the segment.
namespace {

constexpr char kMagic[8] = {'V', 'G', 'L', 'B', 'M', '2', '5', '\0'};
constexpr char kSegmentMagic[8] = {'V', 'G', 'L', 'B', 'S', 'E', 'G', '\0'};
// 2: base + appended segments (2026-11-30); 1 was the base alone (rebuilt once on open).
constexpr uint32_t kFormatVersion = 2;
// More segments than this are compacted into a new base (each costs a little on Load).
constexpr uint32_t kMaxSegments = 256;

class FileWriter {
 public:
  // `fresh`: nothing was read or written on `f` yet, so its buffer can still be enlarged.
  explicit FileWriter(FILE* f, bool fresh = true) : f_(f) {
    if (fresh) std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  }
  void Put(const void* data, size_t n) {
    sum_.Feed(data, n);
    bytes_ += n;
    if (ok_ && n > 0 && std::fwrite(data, 1, n, f_) != n) ok_ = false;
  }
  template <typename T>
  void Pod(const T& v) {
    Put(&v, sizeof v);
  }
  template <typename T>
  void Array(const std::vector<T>& v, size_t from = 0) {
    Put(v.data() + from, (v.size() - from) * sizeof(T));
  }
  void Strings(const std::vector<const std::string*>& v, size_t from = 0) {
    std::vector<uint32_t> lens;
    std::string bytes;
    for (size_t i = from; i < v.size(); ++i) {
      lens.push_back(static_cast<uint32_t>(v[i]->size()));
      bytes += *v[i];
    }
    Array(lens);
    Put(bytes.data(), bytes.size());
  }
  // Writes the checksum of what was put; the writer's checksum; 0 on a write error.
  bool Finish(uint64_t* checksum) {
    *checksum = sum_.Value();
    if (ok_ && std::fwrite(checksum, 1, sizeof *checksum, f_) != sizeof *checksum) ok_ = false;
    bytes_ += sizeof *checksum;
    return ok_ && std::fflush(f_) == 0;
  }
  uint64_t bytes() const { return bytes_; }

 private:
  FILE* f_;
  Checksum sum_;
  uint64_t bytes_ = 0;
  bool ok_ = true;
};

class FileReader {
 public:
  FileReader(FILE* f, uint64_t size) : f_(f), left_(size) { std::setvbuf(f_, nullptr, _IOFBF, 1 << 20); }
  // False (and stays false) once the file is shorter than what is asked for.
  bool Get(void* data, size_t n) {
    if (!ok_ || n > left_ || (n > 0 && std::fread(data, 1, n, f_) != n)) return ok_ = false;
    left_ -= n;
    sum_.Feed(data, n);
    return true;
  }
  template <typename T>
  bool Pod(T* v) {
    return Get(v, sizeof *v);
  }
  // Reads `count` elements, refusing counts the rest of the file cannot hold (a corrupt count
  // must not allocate gigabytes).
  template <typename T>
  bool Array(uint64_t count, std::vector<T>* v) {
    if (!ok_ || count > left_ / sizeof(T)) return ok_ = false;
    v->resize(count);
    return Get(v->data(), count * sizeof(T));
  }
  // Appends `count` elements to `v`.
  template <typename T>
  bool Append(uint64_t count, std::vector<T>* v) {
    if (!ok_ || count > left_ / sizeof(T)) return ok_ = false;
    const size_t at = v->size();
    v->resize(at + count);
    return Get(v->data() + at, count * sizeof(T));
  }
  bool Strings(uint64_t count, std::vector<std::string>* out) {
    std::vector<uint32_t> lens;
    if (!Array(count, &lens)) return false;
    uint64_t total = 0;
    for (uint32_t l : lens) total += l;
    std::string bytes;
    if (total > left_) return ok_ = false;
    bytes.resize(total);
    if (!Get(bytes.data(), total)) return false;
    out->clear();
    size_t at = 0;
    for (uint32_t l : lens) {
      out->push_back(bytes.substr(at, l));
      at += l;
    }
    return true;
  }
  // Reads the stored checksum of the part read since the last call and compares; starts the
  // next part's checksum.
  bool EndPart(uint64_t* checksum) {
    const uint64_t want = sum_.Value();
    if (!ok_ || left_ < sizeof *checksum || std::fread(checksum, 1, sizeof *checksum, f_) != sizeof *checksum)
      return ok_ = false;
    left_ -= sizeof *checksum;
    sum_ = Checksum();
    return *checksum == want;
  }
  uint64_t left() const { return left_; }

 private:
  FILE* f_;
  uint64_t left_;
  Checksum sum_;
  bool ok_ = true;
};

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

template <typename Map>
std::vector<const std::string*> ById(const Map& table) {
  std::vector<const std::string*> v(table.size());
  for (const auto& [k, id] : table) v[id] = &k;
  return v;
}

}  // namespace

template <typename Writer>
void LexicalIndex::WriteNew(Writer& w, uint64_t docs, uint64_t categories, uint64_t components,
                            uint64_t terms) const {
  const size_t n = doc_ids_.size();
  w.Array(doc_ids_, docs);
  w.Array(doc_len_, docs);
  std::vector<uint32_t> cat, comp;
  std::vector<int64_t> time;
  std::vector<uint8_t> incident;
  cat.reserve(n - docs);
  comp.reserve(n - docs);
  time.reserve(n - docs);
  incident.reserve(n - docs);
  for (size_t i = docs; i < n; ++i) {
    cat.push_back(attrs_[i].category);
    comp.push_back(attrs_[i].component);
    time.push_back(attrs_[i].time_ms);
    incident.push_back(attrs_[i].incident);
  }
  w.Array(cat);
  w.Array(comp);
  w.Array(time);
  w.Array(incident);
  w.Strings(ById(category_ids_), categories);
  w.Strings(ById(component_ids_), components);
  w.Array(terms_.Lengths(), terms);
  const size_t chars_from =
      terms ? terms_.Name(static_cast<uint32_t>(terms - 1)).end() - terms_.chars().data() : 0;
  w.Put(terms_.chars().data() + chars_from, terms_.chars().size() - chars_from);
}

Status LexicalIndex::Save(const std::string& path, uint64_t stamp) {
  std::error_code ec;
  std::filesystem::remove(path + ".tmp", ec);  // left by a crash during a whole write: never read
  if (AppendSegment(path, stamp)) return Status::Ok();
  return SaveWhole(path, stamp);
}

Status LexicalIndex::SaveWhole(const std::string& path, uint64_t stamp) {
  const std::string tmp = path + ".tmp";
  uint64_t checksum = 0, bytes = 0;
  {
    std::unique_ptr<FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return InternalError("cannot write lexical index " + tmp + ": " + std::strerror(errno));
    FileWriter w(f.get());
    w.Put(kMagic, sizeof kMagic);
    w.Pod(kFormatVersion);
    w.Pod(stamp);
    const uint64_t n = doc_ids_.size();
    for (uint64_t v : {n, uint64_t(postings_.size()), uint64_t(category_ids_.size()),
                       uint64_t(component_ids_.size()), total_len_, uint64_t(total_postings_)})
      w.Pod(v);
    w.Pod(bound_avgdl_);
    WriteNew(w, 0, 0, 0, 0);
    for (const auto& p : postings_) {
      w.Pod(uint64_t(p.docs.size()));
      w.Array(p.docs);
      w.Array(p.freqs);
      w.Pod(p.max_tf_part);
    }
    if (!w.Finish(&checksum))
      return InternalError("cannot write lexical index " + tmp + ": " + std::strerror(errno));
    bytes = w.bytes();
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return InternalError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  saved_ = {path, doc_ids_.size(), postings_.size(), category_ids_.size(), component_ids_.size(),
            bytes,  bytes,           checksum,         0,                    bound_avgdl_};
  dirty_terms_.clear();
  bounds_refreshed_ = false;
  last_save_ = {false, bytes, 0};
  return Status::Ok();
}

bool LexicalIndex::AppendSegment(const std::string& path, uint64_t stamp) {
  if (saved_.path != path || saved_.segments >= kMaxSegments) return false;
  const bool all_bounds = bounds_refreshed_ || bound_avgdl_ != saved_.bound_avgdl;
  // Estimated segment size; once the segments would outgrow the base, compact instead.
  const uint64_t n = doc_ids_.size();
  uint64_t estimate = (n - saved_.docs) * 29 + (terms_.chars().size()) / std::max<uint64_t>(1, postings_.size()) *
                                                    (postings_.size() - saved_.terms);
  for (uint32_t t : dirty_terms_) {
    const auto& docs = postings_[t].docs;
    estimate += 12 + 5 * uint64_t(docs.end() - std::lower_bound(docs.begin(), docs.end(), uint32_t(saved_.docs)));
  }
  if (all_bounds) estimate += 4 * postings_.size();
  if (saved_.bytes - saved_.base_bytes + estimate > saved_.base_bytes) return false;
  // The file must still be the one this index wrote or read: same size, same final checksum
  // (another process may have rewritten it, or a crash left it torn).
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "r+b"));
  if (!f) return false;
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  uint64_t tail = 0;
  if (std::fseek(f.get(), 0, SEEK_END) != 0 || std::ftell(f.get()) != static_cast<long>(saved_.bytes) ||
      std::fseek(f.get(), -static_cast<long>(sizeof tail), SEEK_END) != 0 ||
      std::fread(&tail, 1, sizeof tail, f.get()) != sizeof tail || tail != saved_.checksum ||
      std::fseek(f.get(), 0, SEEK_END) != 0)
    return false;
  FileWriter w(f.get(), /*fresh=*/false);
  w.Put(kSegmentMagic, sizeof kSegmentMagic);
  w.Pod(stamp);
  w.Pod(saved_.checksum);
  for (uint64_t v : {saved_.docs, n, saved_.terms, uint64_t(postings_.size()), saved_.categories,
                     uint64_t(category_ids_.size()), saved_.components, uint64_t(component_ids_.size()),
                     total_len_, uint64_t(total_postings_)})
    w.Pod(v);
  w.Pod(bound_avgdl_);
  WriteNew(w, saved_.docs, saved_.categories, saved_.components, saved_.terms);
  std::vector<uint32_t> starts, counts;
  for (uint32_t t : dirty_terms_) {
    const auto& docs = postings_[t].docs;
    const auto start = std::lower_bound(docs.begin(), docs.end(), uint32_t(saved_.docs)) - docs.begin();
    starts.push_back(static_cast<uint32_t>(start));
    counts.push_back(static_cast<uint32_t>(docs.size() - start));
  }
  w.Pod(static_cast<uint32_t>(dirty_terms_.size()));
  w.Array(dirty_terms_);
  w.Array(counts);
  for (size_t i = 0; i < dirty_terms_.size(); ++i) {
    const Postings& p = postings_[dirty_terms_[i]];
    w.Put(p.docs.data() + starts[i], counts[i] * sizeof(uint32_t));
    w.Put(p.freqs.data() + starts[i], counts[i]);
  }
  w.Pod(static_cast<uint8_t>(all_bounds));
  std::vector<float> bounds;
  if (all_bounds) {
    for (const auto& p : postings_) bounds.push_back(p.max_tf_part);
  } else {
    for (uint32_t t : dirty_terms_) bounds.push_back(postings_[t].max_tf_part);
  }
  w.Array(bounds);
  uint64_t checksum = 0;
  if (!w.Finish(&checksum)) {
    // A short write may have left part of a segment: the caller rewrites the whole file.
    saved_.path.clear();
    return false;
  }
  saved_ = {path,           n, postings_.size(), category_ids_.size(), component_ids_.size(), saved_.bytes + w.bytes(),
            saved_.base_bytes, checksum, saved_.segments + 1, bound_avgdl_};
  dirty_terms_.clear();
  bounds_refreshed_ = false;
  last_save_ = {true, w.bytes(), saved_.segments};
  return true;
}

Result<LexicalIndex> LexicalIndex::Load(const std::string& path, uint64_t* stamp) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return NotFoundError("lexical index " + path + ": " + ec.message());
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return NotFoundError("cannot open lexical index " + path + ": " + std::strerror(errno));
  if (size < sizeof(uint64_t)) return DataLossError("lexical index " + path + " is truncated");
  FileReader r(f.get(), size);
  auto bad = [&](const std::string& what) { return DataLossError("lexical index " + path + ": " + what); };
  char magic[sizeof kMagic];
  uint32_t version = 0;
  if (!r.Get(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    return bad("not a lexical index file");
  if (!r.Pod(&version) || version != kFormatVersion)
    return bad("format version " + std::to_string(version) + ", expected " + std::to_string(kFormatVersion));
  LexicalIndex x;
  uint64_t n = 0, terms = 0, cats = 0, comps = 0, postings = 0;
  if (!r.Pod(stamp) || !r.Pod(&n) || !r.Pod(&terms) || !r.Pod(&cats) || !r.Pod(&comps) ||
      !r.Pod(&x.total_len_) || !r.Pod(&postings) || !r.Pod(&x.bound_avgdl_))
    return bad("truncated header");
  // The document table and strings of the base or a segment (documents [n0, n), strings from
  // the counts before to the counts after).
  auto read_docs = [&](uint64_t n0, uint64_t cats0, uint64_t comps0, uint64_t terms0) -> Status {
    const uint64_t m = n - n0;
    std::vector<uint32_t> cat, comp;
    std::vector<int64_t> time;
    std::vector<uint8_t> incident;
    if (!r.Append(m, &x.doc_ids_) || !r.Append(m, &x.doc_len_) || !r.Array(m, &cat) || !r.Array(m, &comp) ||
        !r.Array(m, &time) || !r.Array(m, &incident))
      return bad("truncated document table");
    std::vector<std::string> cat_names, comp_names, term_names;
    if (!r.Strings(cats - cats0, &cat_names) || !r.Strings(comps - comps0, &comp_names) ||
        !r.Strings(terms - terms0, &term_names))
      return bad("truncated string tables");
    for (size_t i = 0; i < m; ++i) {
      if (cat[i] >= cats || comp[i] >= comps) return bad("document " + std::to_string(n0 + i) + " has a bad code");
      x.PushAttr({cat[i], comp[i], time[i], incident[i] != 0});
    }
    for (uint64_t i = 0; i < cat_names.size(); ++i)
      x.category_ids_.emplace(std::move(cat_names[i]), static_cast<uint32_t>(cats0 + i));
    for (uint64_t i = 0; i < comp_names.size(); ++i)
      x.component_ids_.emplace(std::move(comp_names[i]), static_cast<uint32_t>(comps0 + i));
    for (uint64_t i = 0; i < term_names.size(); ++i)
      if (x.terms_.Insert(term_names[i]) != terms0 + i) return bad("repeated strings in the vocabulary");
    if (x.category_ids_.size() != cats || x.component_ids_.size() != comps)
      return bad("repeated strings in the vocabulary");
    x.postings_.resize(terms);
    return Status::Ok();
  };
  RETURN_IF_ERROR(read_docs(0, 0, 0, 0));
  for (auto& p : x.postings_) {
    uint64_t count = 0;
    if (!r.Pod(&count) || !r.Array(count, &p.docs) || !r.Array(count, &p.freqs) || !r.Pod(&p.max_tf_part))
      return bad("truncated postings");
    x.total_postings_ += count;
  }
  if (x.total_postings_ != postings) return bad("posting count does not match the header");
  uint64_t checksum = 0;
  if (!r.EndPart(&checksum)) return bad("checksum mismatch (a partial or corrupt write)");
  const uint64_t base_bytes = size - r.left();
  uint32_t segments = 0;
  while (r.left() > 0) {
    const std::string seg = "segment " + std::to_string(segments + 1) + " (at byte " +
                            std::to_string(size - r.left()) + "): ";
    uint64_t prev = 0, n0 = 0, terms0 = 0, cats0 = 0, comps0 = 0;
    if (!r.Get(magic, sizeof magic) || std::memcmp(magic, kSegmentMagic, sizeof kSegmentMagic) != 0)
      return bad(seg + "not a segment (trailing bytes)");
    if (!r.Pod(stamp) || !r.Pod(&prev) || !r.Pod(&n0) || !r.Pod(&n) || !r.Pod(&terms0) || !r.Pod(&terms) ||
        !r.Pod(&cats0) || !r.Pod(&cats) || !r.Pod(&comps0) || !r.Pod(&comps) || !r.Pod(&x.total_len_) ||
        !r.Pod(&postings) || !r.Pod(&x.bound_avgdl_))
      return bad(seg + "truncated header (a torn append)");
    if (prev != checksum || n0 != x.doc_ids_.size() || terms0 != x.postings_.size() ||
        cats0 != x.category_ids_.size() || comps0 != x.component_ids_.size() || n < n0 || terms < terms0 ||
        cats < cats0 || comps < comps0)
      return bad(seg + "does not follow the part before it");
    Status docs = read_docs(n0, cats0, comps0, terms0);
    if (!docs.ok()) return bad(seg + "truncated documents (a torn append)");
    uint32_t touched = 0;
    std::vector<uint32_t> ids, counts;
    if (!r.Pod(&touched) || !r.Array(touched, &ids) || !r.Array(touched, &counts))
      return bad(seg + "truncated postings (a torn append)");
    for (uint32_t i = 0; i < touched; ++i) {
      if (ids[i] >= terms) return bad(seg + "bad term id");
      Postings& p = x.postings_[ids[i]];
      if (!r.Append(counts[i], &p.docs) || !r.Append(counts[i], &p.freqs))
        return bad(seg + "truncated postings (a torn append)");
      x.total_postings_ += counts[i];
    }
    uint8_t all_bounds = 0;
    std::vector<float> bounds;
    if (!r.Pod(&all_bounds) || !r.Array(all_bounds ? terms : touched, &bounds))
      return bad(seg + "truncated bounds (a torn append)");
    for (size_t i = 0; i < bounds.size(); ++i) x.postings_[all_bounds ? i : ids[i]].max_tf_part = bounds[i];
    if (x.total_postings_ != postings) return bad(seg + "posting count does not match its header");
    if (!r.EndPart(&checksum)) return bad(seg + "checksum mismatch (a torn or corrupt append)");
    ++segments;
  }
  // Document numbers must be in range and ascending, or Search would read out of bounds.
  for (const auto& p : x.postings_) {
    for (size_t i = 0; i < p.docs.size(); ++i) {
      if (p.docs[i] >= n || (i > 0 && p.docs[i] <= p.docs[i - 1])) return bad("posting list out of order");
    }
  }
  x.saved_ = {path, x.doc_ids_.size(), x.postings_.size(), x.category_ids_.size(), x.component_ids_.size(),
              size, base_bytes,        checksum,           segments,            x.bound_avgdl_};
  return x;
}

}  // namespace vigil::kb
