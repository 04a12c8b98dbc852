#include "knowledge/signature_regexes.h"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/temp_dir_testing.h"

namespace vigil {
namespace {

// The regex a KnowledgeBase compiled for `pattern` before the shared cache (knowledge_base.cc's
// LoadSignatureCache): its reference answer.
bool FreshSearch(const std::string& pattern, const std::string& line, std::string* matched) {
  std::string p(pattern);
  if (p.starts_with("^.*")) p = p.substr(3);
  else if (p.starts_with(".*")) p = p.substr(2);
  std::regex re(p, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  std::smatch m;
  if (!std::regex_search(line, m, re)) return false;
  *matched = m.str(0);
  return true;
}

}  // namespace

TEST_CASE("signature regexes: the same pattern list is compiled once per process, not per load") {
  const std::vector<std::string> patterns = {R"(NVRM: Xid \(PCI:[0-9a-f:.]+\): 79\b)", "fallen off the bus",
                                             R"(\bmlx5_\d+.*port .*down)"};
  const SignatureRegexStats s0 = SignatureRegexCacheStats();
  auto a = CompileSignatureSet(patterns);
  const SignatureRegexStats s1 = SignatureRegexCacheStats();
  auto b = CompileSignatureSet(patterns);
  const SignatureRegexStats s2 = SignatureRegexCacheStats();
  REQUIRE(a != nullptr);
  CHECK(a.get() == b.get());  // the same set: no regex compiled, no prefilter built again
  CHECK(s1.regexes_compiled - s0.regexes_compiled <= 3);
  CHECK(s2.regexes_compiled == s1.regexes_compiled);
  CHECK(s2.sets_built == s1.sets_built);
  CHECK(a->patterns == patterns);
  REQUIRE(a->regexes.size() == 3);
  CHECK(a->prefilter.size() == 3);
}

TEST_CASE("signature regexes: a list with one more pattern compiles only that one, sharing the others") {
  const std::vector<std::string> first = {"watchdog caught collective operation timeout", R"(Xid \d+: 48\b)"};
  std::vector<std::string> second = first;
  second.push_back("cuda error: out of memory at kb6 test line");
  auto a = CompileSignatureSet(first);
  const SignatureRegexStats s0 = SignatureRegexCacheStats();
  auto b = CompileSignatureSet(second);
  const SignatureRegexStats s1 = SignatureRegexCacheStats();
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a.get() != b.get());
  CHECK(s1.regexes_compiled - s0.regexes_compiled == 1);
  CHECK(s1.sets_built - s0.sets_built == 1);
  REQUIRE(b->regexes.size() == 3);
  CHECK(b->regexes[0].get() == a->regexes[0].get());
  CHECK(b->regexes[1].get() == a->regexes[1].get());
  // The first set is still whole (held by its users) and answers as before.
  std::vector<size_t> c;
  a->prefilter.Candidates("[rank0]: Watchdog caught collective operation timeout", &c);
  CHECK(c == std::vector<size_t>{0});
}

TEST_CASE("signature regexes: a bad or hazardous pattern is left out, and not compiled again") {
  const std::vector<std::string> patterns = {"ok pattern kb6 (a|b)", "unbalanced (kb6", "(a+)+kb6$", "tail kb6"};
  const SignatureRegexStats s0 = SignatureRegexCacheStats();
  auto a = CompileSignatureSet(patterns);
  const SignatureRegexStats s1 = SignatureRegexCacheStats();
  REQUIRE(a != nullptr);
  CHECK(a->patterns == std::vector<std::string>{"ok pattern kb6 (a|b)", "tail kb6"});
  CHECK(a->regexes.size() == 2);
  CHECK(a->prefilter.size() == 2);
  // Each tried once (the refused two count); a list that differs (so no cached set) tries only
  // its new pattern, not the refused ones again.
  CHECK(s1.regexes_compiled - s0.regexes_compiled == 4);
  std::vector<std::string> more = patterns;
  more.push_back("another kb6 pattern");
  auto b = CompileSignatureSet(more);
  const SignatureRegexStats s2 = SignatureRegexCacheStats();
  CHECK(s2.regexes_compiled - s1.regexes_compiled == 1);
  CHECK(b->patterns.size() == 3);
}

TEST_CASE("signature regexes: matches are those of a regex compiled on its own (leading wildcard dropped)") {
  const std::vector<std::string> patterns = {".*fallen off the bus", R"(^.*Xid \(PCI:[0-9a-f:.]+\): 79)",
                                             R"(NCCL WARN NET/IB : Got completion .* error (\d+))"};
  auto set = CompileSignatureSet(patterns);
  REQUIRE(set != nullptr);
  REQUIRE(set->regexes.size() == 3);
  const std::vector<std::string> lines = {
      "[  123.4] NVRM: Xid (PCI:0000:3b:00): 79, pid=1, name=python, GPU has fallen off the bus.",
      "FALLEN OFF THE BUS", "nccl warn net/ib : got completion from peer 10.0.0.2 with error 12", "nothing"};
  for (const std::string& line : lines) {
    for (size_t i = 0; i < patterns.size(); ++i) {
      CAPTURE(line);
      CAPTURE(patterns[i]);
      std::string want, got;
      const bool fresh = FreshSearch(patterns[i], line, &want);
      std::smatch m;
      const bool shared = std::regex_search(line, m, *set->regexes[i]);
      CHECK(shared == fresh);
      if (shared) CHECK(m.str(0) == want);
    }
  }
}

TEST_CASE("signature regexes: threads asking for overlapping lists and matching at once agree") {
  std::vector<std::vector<std::string>> lists;
  for (int k = 0; k < 6; ++k) {
    std::vector<std::string> l;
    for (int j = 0; j <= k; ++j) l.push_back("thread kb6 event " + std::to_string(j) + R"( on gpu(\d+))");
    lists.push_back(l);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 30; ++round) {
        const auto& l = lists[static_cast<size_t>((t + round) % 6)];
        auto set = CompileSignatureSet(l);
        if (set == nullptr || set->patterns != l) {
          ++wrong;
          continue;
        }
        for (size_t i = 0; i < l.size(); ++i) {
          const std::string line = "x Thread KB6 event " + std::to_string(i) + " on GPU7 y";
          std::smatch m;
          std::vector<size_t> c;
          set->prefilter.Candidates(line, &c);
          if (!std::regex_search(line, m, *set->regexes[i]) || m.str(1) != "7") ++wrong;
          if (std::find(c.begin(), c.end(), i) == c.end()) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("signature regexes: a KnowledgeBase's loads after imports that add no signature compile nothing") {
  TempDir dir("vigil_sigregex");
  KnowledgeOptions o;
  o.db_path = (dir.path / "kb.sqlite").string();
  o.load_pack = false;
  o.index_spec = "Flat";
  auto kb = KnowledgeBase::Open(o);
  REQUIRE(kb.ok());
  Incident inc;
  inc.id = "sig-kb6-a";
  inc.source = "test";
  inc.title = "GPU fell off the bus";
  inc.raw_text = "Xid 79 on node-3";
  inc.root_cause = "gpu_fallen_off_bus";
  inc.log_signatures = {R"(kb6 Xid \(PCI:[0-9a-f:.]+\): 79)", "kb6 fallen off the bus"};
  REQUIRE((*kb)->UpsertIncident(inc).ok());
  const std::vector<std::string> lines = {"NVRM: kb6 Xid (PCI:0000:3b:00): 79, kb6 fallen off the bus",
                                          "kb6 nvlink down on gpu 2"};
  auto m0 = (*kb)->MatchLogLines(lines);
  REQUIRE(m0.ok());
  CHECK(m0->size() == 2);
  // One-record files with no signature, each its own import whose category is inferred from a
  // cause text (the signatures are read again after every import, as `vigil kb import DIR` does).
  const SignatureRegexStats s0 = SignatureRegexCacheStats();
  for (int f = 0; f < 3; ++f) {
    const auto p = dir.path / ("thread-" + std::to_string(f) + ".jsonl");
    Json j{{"id", "kb6-thread-" + std::to_string(f)},
           {"title", "job " + std::to_string(f) + " slowed down"},
           {"raw_text", "throughput halved; restarted"},
           {"source", "test"},
           {"root_cause_text", "NVRM: kb6 Xid (PCI:0000:3b:00): 79 on the node"}};
    std::ofstream(p) << j.dump() << "\n";
    auto r = (*kb)->Import(p.string());
    REQUIRE(r.ok());
    CHECK(r->added == 1);
    auto m = (*kb)->MatchLogLines(lines);
    REQUIRE(m.ok());
    CHECK(m->size() == 2);
  }
  const SignatureRegexStats s1 = SignatureRegexCacheStats();
  CHECK(s1.regexes_compiled == s0.regexes_compiled);
  CHECK(s1.sets_built == s0.sets_built);
  auto got = (*kb)->GetIncident("kb6-thread-0");
  REQUIRE(got.ok());
  CHECK(got->root_cause == "gpu_fallen_off_bus");  // inferred by the stored signature
  // A new signature is compiled (that one only) and matched at once.
  Incident nv = inc;
  nv.id = "sig-kb6-b";
  nv.title = "NVLink down";
  nv.root_cause = "nvlink_error";
  nv.log_signatures = {"kb6 nvlink down on gpu \\d+"};
  REQUIRE((*kb)->UpsertIncident(nv).ok());
  auto m2 = (*kb)->MatchLogLines(lines);
  REQUIRE(m2.ok());
  CHECK(m2->size() == 3);
  const SignatureRegexStats s2 = SignatureRegexCacheStats();
  CHECK(s2.regexes_compiled - s1.regexes_compiled == 1);
  CHECK(s2.sets_built - s1.sets_built == 1);
}

}  // namespace vigil
