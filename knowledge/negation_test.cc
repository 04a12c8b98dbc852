#include "knowledge/negation.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

struct Case {
  std::string text;
  std::vector<std::string> kept;     // each must still be in NotNegated(text)
  std::vector<std::string> dropped;  // none may be
};

void CheckCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::string out = NotNegated(c.text);
    CAPTURE(c.text);
    CAPTURE(out);
    for (const std::string& k : c.kept) CHECK_MESSAGE(out.find(k) != std::string::npos, "lost: " << k);
    for (const std::string& d : c.dropped) CHECK_MESSAGE(out.find(d) == std::string::npos, "kept: " << d);
  }
}

}  // namespace

TEST_CASE("negation: English (KB4's behaviour, unchanged)") {
  CheckCases({
      {"not an NVLink error, it was the cable", {"it was the cable"}, {"NVLink"}},
      {"Xid 74 was a red herring; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"wasn't a CUDA OOM, a host OOM", {"a host OOM"}, {"CUDA"}},
      {"no Xid but mlx5_1 port down", {"but mlx5_1 port down"}, {"Xid"}},
      {"Xid 74 was not the cause. The PSU was", {"The PSU was"}, {"Xid 74"}},
      {"the ECC errors were unrelated; a host OOM", {"a host OOM"}, {"ECC"}},
      {"a CUDA OOM instead of a host OOM", {"a CUDA OOM"}, {"host OOM"}},
      // Near misses: words that contain a negation, and a negation in another clause.
      {"Xid 74 on GPU 2, nothing else in the log", {"Xid 74 on GPU 2"}, {}},
      {"knot in the cable; another node", {"knot in the cable", "another node"}, {}},
      {"Xid 74 on GPU 2, no other errors", {"Xid 74 on GPU 2"}, {"other errors"}},
      {"a non-fatal Xid 43 then Xid 74", {"non-fatal Xid 43 then Xid 74"}, {}},
  });
}

TEST_CASE("negation: a typographic apostrophe reads as the ASCII one (wasn’t, n’était)") {
  CheckCases({
      {"wasn\u2019t a CUDA OOM, a host OOM", {"a host OOM"}, {"CUDA"}},
      {"it isn\u2019t Xid 74", {"it is"}, {"Xid 74"}},
  });
}

TEST_CASE("negation: German") {
  CheckCases({
      {"kein NVLink error, es war das Kabel", {"es war das Kabel"}, {"NVLink"}},
      {"keine Xid 74 im Log; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"nicht Xid 74, sondern mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"nicht Xid 74 sondern mlx5_1 port down", {"sondern mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 war nicht die Ursache; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 ausgeschlossen. mlx5_1 port down am Leaf", {"mlx5_1 port down am Leaf"}, {"Xid 74"}},
      {"Xid 74 war eine falsche Fährte; ein host OOM", {"ein host OOM"}, {"Xid 74"}},
      {"die Xid-74-Meldungen hatten nichts damit zu tun; host OOM", {"host OOM"}, {"Xid"}},
      {"ohne Xid 74 im dmesg, nur mlx5_1 port down", {"nur mlx5_1 port down"}, {"Xid 74"}},
      {"ein host OOM statt eines CUDA OOM", {"ein host OOM"}, {"CUDA"}},
      // Near misses: a word holding "nicht"/"kein", and negations in another clause only.
      {"Xid 74 auf GPU 2, keine weiteren Fehler", {"Xid 74 auf GPU 2"}, {"weiteren Fehler"}},
      {"Nichtverfügbarkeit von GPU 2 nach Xid 74", {"Nichtverfügbarkeit von GPU 2 nach Xid 74"}, {}},
      {"Xid 74 auf GPU 2, nie wieder neu gestartet", {"Xid 74 auf GPU 2"}, {}},
  });
}

TEST_CASE("negation: French") {
  CheckCases({
      {"pas une erreur NVLink, c'était le câble", {"c'était le câble"}, {"NVLink"}},
      {"ce n'était pas Xid 74 mais mlx5_1 port down", {"mais mlx5_1 port down"}, {"Xid 74"}},
      {"ce n\u2019était pas Xid 74 mais mlx5_1 port down", {"mais mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 écarté ; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 était une fausse piste ; un host OOM", {"un host OOM"}, {"Xid 74"}},
      {"Xid 74 n'était pas la cause. Un host OOM", {"Un host OOM"}, {"Xid 74"}},
      {"aucune Xid 74 dans dmesg ; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"sans Xid 74 et mlx5_1 port down", {"et mlx5_1 port down"}, {"Xid 74"}},
      {"un host OOM au lieu d'un CUDA OOM", {"un host OOM"}, {"CUDA"}},
      // Near misses.
      {"Xid 74 sur le GPU 2, pas d'autre erreur", {"Xid 74 sur le GPU 2"}, {"autre erreur"}},
      {"passage du Xid 74 au GPU 2", {"passage du Xid 74 au GPU 2"}, {}},
      {"Xid 74 sur le GPU 2 (jamais vu avant)", {"Xid 74 sur le GPU 2"}, {"vu avant"}},
  });
}

TEST_CASE("negation: Spanish") {
  CheckCases({
      {"no fue un CUDA OOM, fue un host OOM", {"fue un host OOM"}, {"CUDA"}},
      {"no Xid 74 sino mlx5_1 port down", {"sino mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 descartado; mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 no fue la causa. Un host OOM", {"Un host OOM"}, {"Xid 74"}},
      {"sin Xid 74, solo mlx5_1 port down", {"solo mlx5_1 port down"}, {"Xid 74"}},
      {"ningún Xid 74 en dmesg pero mlx5_1 port down", {"pero mlx5_1 port down"}, {"Xid 74"}},
      {"un host OOM en lugar de un CUDA OOM", {"un host OOM"}, {"CUDA"}},
      {"Xid 74 no tenía nada que ver; host OOM", {"host OOM"}, {"Xid 74"}},
      // Near misses: "sin embargo" is "however", not "without".
      {"Sin embargo Xid 74 apareció en la GPU 2", {"Xid 74 apareció en la GPU 2"}, {}},
      {"Xid 74 en la GPU 2, nunca se recuperó", {"Xid 74 en la GPU 2"}, {"se recuper"}},
  });
}

TEST_CASE("negation: Chinese") {
  CheckCases({
      {"不是NVLink error，是网线问题", {"是网线问题"}, {"NVLink"}},
      {"不是Xid 74，而是mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"不是Xid 74而是mlx5_1 port down", {"而是mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74 不是原因，mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"排除了Xid 74；mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"与Xid 74无关。真正原因是host OOM", {"真正原因是host OOM"}, {"Xid 74"}},
      {"没有Xid 74，只有mlx5_1 port down", {"只有mlx5_1 port down"}, {"Xid 74"}},
      {"並非Xid 74，是mlx5_1 port down", {"是mlx5_1 port down"}, {"Xid 74"}},
      // Near misses: 不 inside other words (显存不足 "GPU memory insufficient", 不过 "but", 不稳定).
      {"Xid 74，显存不足", {"Xid 74", "显存不足"}, {}},
      {"Xid 74 on GPU 2，不过 job 已恢复", {"Xid 74 on GPU 2", "job 已恢复"}, {}},
      {"链路不稳定 mlx5_1 port down", {"链路不稳定 mlx5_1 port down"}, {}},
  });
}

TEST_CASE("negation: Japanese (the negation follows what it negates)") {
  CheckCases({
      {"Xid 74ではなく、mlx5_1 port downが原因", {"mlx5_1 port downが原因"}, {"Xid 74"}},
      {"NVLink errorではない。ケーブル不良", {"ケーブル不良"}, {"NVLink"}},
      {"Xid 74じゃなくて mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74は無関係、mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      {"Xid 74は除外。host OOMだった", {"host OOMだった"}, {"Xid 74"}},
      {"Xid 74エラーなし、mlx5_1 port down", {"mlx5_1 port down"}, {"Xid 74"}},
      // Near misses.
      {"Xid 74が発生、GPU 2を交換", {"Xid 74が発生", "GPU 2を交換"}, {}},
      {"mlx5_1 port downで再起動", {"mlx5_1 port downで再起動"}, {}},
  });
}

TEST_CASE("negation: line breaks and byte offsets are kept; invalid UTF-8 is read byte by byte") {
  CHECK(NotNegated("Xid 74 on GPU 2\nnicht mlx5_1\nhost OOM") == "Xid 74 on GPU 2\n\nhost OOM");
  CHECK(NotNegated("caf\xC3 Xid 74, kein \xFF mlx5") == "caf\xC3 Xid 74, ");
  CHECK(NotNegated("") == "");
}

}  // namespace vigil
