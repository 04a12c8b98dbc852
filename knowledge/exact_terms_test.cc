// Tests of knowledge/exact_terms.h, and of the shipped pack searched for an exact Xid (RVFIX2).
#include "knowledge/exact_terms.h"

#include <doctest/doctest.h>

#include <chrono>

namespace vigil::kb {
namespace {

std::vector<std::string> Texts(const std::vector<ExactTerm>& terms) {
  std::vector<std::string> out;
  for (const ExactTerm& t : terms)
    out.push_back(std::string(t.kind == ExactTerm::Kind::kXid ? (t.sxid ? "sxid:" : "xid:") : "id:") + t.text);
  return out;
}

ExactTerm Xid(std::string n) { return ExactTerm{ExactTerm::Kind::kXid, std::move(n), false}; }

}  // namespace

TEST_CASE("exact terms: Xid numbers and code identifiers of a question (RVFIX2)") {
  CHECK(Texts(ExactTermsOf("xid 79")) == std::vector<std::string>{"xid:79"});
  CHECK(Texts(ExactTermsOf("what does Xid: 079 mean? and XID#48, xid 79")) ==
        std::vector<std::string>{"xid:79", "xid:48"});
  CHECK(Texts(ExactTermsOf("SXid 12028 on nvswitch 3")) == std::vector<std::string>{"sxid:12028"});
  CHECK(Texts(ExactTermsOf("NVRM: Xid (PCI:0000:9a:00): 79, pid=4242, GPU has fallen off the bus.")) ==
        std::vector<std::string>{"xid:79"});
  CHECK(Texts(ExactTermsOf("DCGM: XID error 48 detected")) == std::vector<std::string>{"xid:48"});
  CHECK(Texts(ExactTermsOf("ncclRemoteError after CUDA_ERROR_ILLEGAL_ADDRESS on rank 3")) ==
        std::vector<std::string>{"id:ncclRemoteError", "id:CUDA_ERROR_ILLEGAL_ADDRESS"});
  // Words, numbers alone, a word and a number that are not an Xid: no exact term.
  CHECK(ExactTermsOf("gpu fell off the bus on node-79").empty());
  CHECK(ExactTermsOf("79").empty());
  CHECK(ExactTermsOf("hexid 79, xidx 79, Cuda error").empty());
  CHECK(ExactTermsOf("NCCL_IB ok").size() == 1);  // 7 bytes, `_` between letters
  CHECK(ExactTermsOf("a_b").empty());             // too short to be a code
}

TEST_CASE("exact terms: an Xid is found as the kernel and DCGM write it, its number whole (RVFIX2)") {
  const ExactTerm x79 = Xid("79");
  CHECK(MentionsExactTerm("Xid 79: GPU has fallen off the bus", x79));
  CHECK(MentionsExactTerm("NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>'", x79));
  CHECK(MentionsExactTerm("nv-hostengine: Health: GPU 2 XID error 79 detected", x79));
  CHECK(MentionsExactTerm(R"({"msg":"xid event","xid":79,"gpu_index":2})", x79));
  CHECK_FALSE(MentionsExactTerm("Xid 179 on gpu 3", x79));
  CHECK_FALSE(MentionsExactTerm("Xid 790", x79));
  CHECK_FALSE(MentionsExactTerm("NVRM: Xid (PCI:0000:79:00): 45, pid=7", x79));  // 79 in the PCI address
  CHECK_FALSE(MentionsExactTerm("pid 79 was killed; Xid 45 followed", x79));
  CHECK_FALSE(MentionsExactTerm("SXid 79", x79));  // an NVSwitch SXid is not a GPU Xid
  const ExactTerm code{ExactTerm::Kind::kIdentifier, "ncclRemoteError", false};
  CHECK(MentionsExactTerm("NCCL WARN ... ncclRemoteError: A call failed possibly due to a network error", code));
  CHECK(MentionsExactTerm("got NCCLREMOTEERROR", code));
  CHECK_FALSE(MentionsExactTerm("ncclRemoteErrors", code));
}

TEST_CASE("exact terms: the shipped pack searched for xid 79 lists the Xid 79 entry first (RVFIX2)") {
  KnowledgeOptions o;
  o.pack_dir = "data/knowledge";
  auto kb = KnowledgeBase::Open(o);
  REQUIRE(kb.ok());
  for (const char* question : {"xid 79", "what is xid 79?", "Xid: 79 on node-3"}) {
    CAPTURE(question);
    SearchQuery q;
    q.text = question;
    q.k = 40;
    q.include_guides = false;
    auto hits = (*kb)->Search(q);
    REQUIRE(hits.ok());
    REQUIRE_FALSE(hits->empty());
    const std::vector<SearchHit> ranked = ExactTermsFirst(*hits, ExactTermsOf(question));
    CHECK(ranked.front().incident.id == "pack-xid-79");
  }
  SearchQuery q;
  q.text = "ncclRemoteError";
  q.k = 40;
  q.include_guides = false;
  auto hits = (*kb)->Search(q);
  REQUIRE(hits.ok());
  REQUIRE_FALSE(hits->empty());
  const std::vector<SearchHit> ranked = ExactTermsFirst(*hits, ExactTermsOf("ncclRemoteError"));
  CHECK(MentionsExactTerm(ranked.front().incident.title + "\n" + ranked.front().incident.raw_text,
                          ExactTermsOf("ncclRemoteError").front()));
}

// RV4: a long question (a pasted log of 100 KB with thousands of Xid numbers) took ~57 s in
// `vigil kb search`: MentionsExactTerm compiled a std::regex per term for every hit's title and
// body. The hits' Xid mentions are now read once per text, the terms looked up.
TEST_CASE("exact terms: a question with thousands of Xid numbers orders hits in linear time (RV4)") {
  std::string question;
  for (int i = 0; i < 3000; ++i) {
    const std::string n = std::to_string(i);
    question.append("gpu-").append(n).append(" xid ").append(n).append(" nccl ");
  }
  const std::vector<ExactTerm> terms = ExactTermsOf(question);
  REQUIRE(terms.size() == 3000);
  std::vector<SearchHit> hits(20);
  for (size_t i = 0; i < hits.size(); ++i) {
    hits[i].kind = SearchHit::Kind::kIncident;
    hits[i].incident.id = std::string("h").append(std::to_string(i));
    hits[i].incident.title = std::string("entry ").append(std::to_string(i));
    hits[i].incident.raw_text = std::string(2000, 'x') + (i == 7 ? " NVRM: Xid (PCI:0000:3b:00): 2999, pid=1" : "");
  }
  hits[12].incident.title = "Xid 0042 and XID error 17";
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<SearchHit> ranked = ExactTermsFirst(hits, terms);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(s < 3.0);  // ~40 s before
  REQUIRE(ranked.size() == hits.size());
  CHECK(ranked[0].incident.id == "h12");  // two terms in its title
  CHECK(ranked[1].incident.id == "h7");   // one in its body
  CHECK(ranked[2].incident.id == "h0");   // the rest in their order
}

}  // namespace vigil::kb
