// DshbakBlockHosts (KB8, 2026-12-04): every line's banner host of a log at once, as PlaceLine reads
// it per log; differential against DshbakBlockHost line by line (plc12's test covers its meaning).
#include "agents/dshbak_block.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace vigil {
namespace {

std::vector<std::string> AllHosts(const std::vector<std::string>& lines) {
  DshbakHosts h = DshbakBlockHosts(lines.size(), [&](size_t k) -> const std::string& { return lines[k]; });
  REQUIRE(h.lines == lines.size());
  if (h.hosts.empty()) return std::vector<std::string>(lines.size());
  REQUIRE(h.hosts.size() == lines.size());
  return h.hosts;
}

std::vector<std::string> OneByOne(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out.push_back(DshbakBlockHost(i, lines.size(), [&](size_t k) -> const std::string& { return lines[k]; }));
  }
  return out;
}

TEST_CASE("DshbakBlockHosts: the banner host of each line, as DshbakBlockHost reads it") {
  // clush -b's layout: a count after each banner's host, a command between two gatherings.
  const std::vector<std::string> out = {
      "[ops@login-1 ~]$ clush -b -w hx-[10-12] 'nvidia-smi -q | grep -i retired'",
      "---------------",
      "hx-[10,12] (2)",
      "---------------",
      "    Retired Pages: 0",
      "---------------",
      "hx-11",
      "---------------",
      "    Double Bit ECC: 3",
      "[ops@login-1 ~]$ date",
      "Mon Nov 30 04:12:00 UTC 2026"};
  const std::vector<std::string> want = {"", "", "", "", "hx-[10,12]", "", "", "", "hx-11", "", ""};
  CHECK(AllHosts(out) == want);
  CHECK(OneByOne(out) == want);
  // No banner: no hosts listed at all.
  DshbakHosts none = DshbakBlockHosts(3, [](size_t) -> const std::string& {
    static const std::string kLine = "step 10 | loss 2.1";
    return kLine;
  });
  CHECK(none.lines == 3);
  CHECK(none.hosts.empty());
  // A block longer than the 400 lines read back: its lines past the window are in no block.
  std::vector<std::string> long_block = {"----", "gx-7", "----"};
  for (int i = 0; i < 500; ++i) long_block.push_back("[Mon Nov 30 04:11:12 2026] NVRM: Xid 79 " + std::to_string(i));
  const std::vector<std::string> hosts = AllHosts(long_block);
  CHECK(hosts[3] == "gx-7");
  CHECK(hosts[400] == "gx-7");
  CHECK(hosts[401] == "");
  CHECK(hosts == OneByOne(long_block));
}

TEST_CASE("DshbakBlockHosts equals DshbakBlockHost on every line of generated logs") {
  // Lines drawn from the layout's pieces: rules (with blanks), hosts (clush's count, hostlists),
  // prompts, titles with spaces, kernel lines; runs long enough to cross the 400-line window.
  const std::vector<std::string> pieces = {
      "----------------", "  -----  ", "---", "--- a ---", "gx-3", "gx-3 (2)", "gx-[1-2,4]", "n-1,n-2", "Failures: none seen",
      "$ pdsh -w gx-[1-4] dmesg | dshbak -c", "# ssh gx-3", "root@gx-3:~# dmesg", "[login-2]$ hostname", "> quoted",
      "[Mon Nov 30 04:11:12 2026] NVRM: Xid (PCI:0000:9a:00): 74", "step 10 | loss 2.1 -> 2.0", "", "\r",
      "a line with # and $ but no prompt"};
  std::mt19937 rng(8);
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> lines;
    const size_t n = 1 + rng() % (round < 40 ? 60 : 1200);
    // Mostly banners and kernel lines; some rounds with few prompts, so blocks run past 400 lines.
    const bool few_prompts = round % 3 == 0;
    for (size_t i = 0; i < n; ++i) {
      size_t p = rng() % pieces.size();
      if (few_prompts && p >= 9 && p <= 13 && rng() % 50) p = 14;
      if (rng() % 4 == 0) {  // a whole banner
        lines.push_back("----------------");
        lines.push_back(pieces[4 + rng() % 4]);
        lines.push_back("----------------");
      }
      lines.push_back(pieces[p]);
    }
    INFO("round " << round << ", " << lines.size() << " lines");
    CHECK(AllHosts(lines) == OneByOne(lines));
  }
}

}  // namespace
}  // namespace vigil
