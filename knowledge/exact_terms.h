// Exact terms of a question, and search hits about them first (RVFIX2, 2026-12-03).
//
// A question naming an exact code - "xid 79", "SXid 12028", "ncclRemoteError",
// "CUDA_ERROR_ILLEGAL_ADDRESS" - asks about entries of that code. The hybrid search ranks by shared
// words and embedding neighbours: "xid 79" shares `xid` with every Xid entry and `79` with any
// text holding that number (a PCI address, a pid), so the chat listed the Xid 45 entry first.
//
// ExactTermsOf reads the exact terms of a question:
//   - an Xid or SXid number: "xid 79", "Xid: 79", "xid #79", "SXid 12028", a pasted kernel or DCGM
//     line ("NVRM: Xid (PCI:0000:3b:00): 79", "XID error 79"): the forms MentionsExactTerm finds;
//   - an identifier that is a code, not a word: a token (letters, digits, `_`) of 5 bytes or more
//     holding an `_` between letters ("CUDA_ERROR_ILLEGAL_ADDRESS", "NCCL_IB_HCA") or a lower-case
//     letter followed by an upper-case one ("ncclRemoteError", "cudaErrorIllegalAddress").
// MentionsExactTerm says whether a text holds the term: an identifier as a whole token, any case;
// an Xid as the kernel, DCGM and the pack write one ("Xid 79", "NVRM: Xid (PCI:0000:3b:00): 79",
// "XID error 79", `"xid":79`) with the number whole: 79 is not found in 179, 790 or 0x79.
// ExactTermsFirst orders hits by how well they name the terms: in the title counts before the
// body only, more terms before fewer; ties keep the search's order. Hits naming none keep theirs.
// Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "knowledge/knowledge_base.h"

namespace vigil::kb {

struct ExactTerm {
  enum class Kind { kXid, kIdentifier };
  Kind kind = Kind::kIdentifier;
  std::string text;  // kXid: the number ("79"); kIdentifier: as written ("ncclRemoteError")
  bool sxid = false;  // kXid: an NVSwitch SXid
};

// See the file comment; each term once, in the question's order.
std::vector<ExactTerm> ExactTermsOf(std::string_view question);

// See the file comment.
bool MentionsExactTerm(std::string_view text, const ExactTerm& term);

// See the file comment: `hits` reordered (none dropped) for `terms`; unchanged when there are none.
std::vector<SearchHit> ExactTermsFirst(std::vector<SearchHit> hits, const std::vector<ExactTerm>& terms);

}  // namespace vigil::kb
