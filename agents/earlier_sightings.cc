#include "agents/earlier_sightings.h"

#include <algorithm>
#include <limits>
#include <regex>
#include <string>

#include "core/ascii.h"

namespace vigil {

std::vector<bool> EarlierIncidentSightings(const std::vector<int64_t>& times_ms, int64_t no_time, int64_t gap_ms) {
  std::vector<bool> out(times_ms.size(), false);
  int64_t newest = std::numeric_limits<int64_t>::min();
  size_t timed = 0;
  for (int64_t t : times_ms) {
    if (t == no_time) continue;
    ++timed;
    newest = std::max(newest, t);
  }
  if (timed < 2 || gap_ms < 0) return out;
  for (size_t i = 0; i < times_ms.size(); ++i) {
    // newest - t > gap_ms, written so that it cannot overflow (t <= newest).
    if (times_ms[i] != no_time && times_ms[i] < newest && static_cast<uint64_t>(newest) - static_cast<uint64_t>(times_ms[i]) > static_cast<uint64_t>(gap_ms)) {
      out[i] = true;
    }
  }
  return out;
}

FaultOver StatesFaultOver(std::string_view view) {
  if (view.size() > 2000) return FaultOver::kNone;
  // A cheap look for the words before any regex: most lines hold none of them. Lower-cased, as the
  // patterns below are case-insensitive (RV, 2026-12-04: "Link Up", "GPU RESET COMPLETED", "state
  // changed to active" and Slurm's "undrained" were refused here before any pattern read them).
  static constexpr std::string_view kWords[] = {"clear", "reset", "remap", "link is up", "link up",
                                                "active", "resum", "returned to service", "undrain",
                                                "restored", " ok"};
  const std::string lower = AsciiLower(view);
  if (std::none_of(std::begin(kWords), std::end(kWords), [&](std::string_view w) { return lower.find(w) != std::string::npos; })) {
    return FaultOver::kNone;
  }
  const std::string line(view);
  // A reset or recovery that failed, was refused or did not happen says the fault is not over.
  static const std::regex kNot(
      R"(\bfail(ed|ure|s)?\b|\bnot (been |yet )?(cleared|reset|recovered|completed?|applied|activated)\b|\bunable\b|\bcould ?n[o']t\b|\bcannot\b|\bcan't\b|\btimed? ?out\b|\baborted\b)",
      std::regex::icase);
  if (std::regex_search(line, kNot)) return FaultOver::kNone;
  // PLC24 (realistic30 rl30-29): the reset that applied a pending row remap ("GPU 00000000:9D:00.0 was
  // reset; pending row remap applied", "remapped rows activated after GPU reset", nvidia-smi's
  // "Pending : No" is not read here: its GPU is named lines above) ends the Xid 63 it answered, though
  // the line says "pending". A remap that "will be applied" at the next reset is still pending.
  static const std::regex kRemapApplied(
      R"(\b(pending )?(row )?remap(s|ping|ped rows?)? (was |were |has been |have been |now )?(applied|activated)\b|\bremapped rows? (was |were |have been |has been )?(applied|activated)\b)",
      std::regex::icase);
  if (std::regex_search(line, kRemapApplied)) return FaultOver::kGpu;
  // Rows still pending remap: not over ("no pending rows" is).
  static const std::regex kPending(R"(\bpending\b)", std::regex::icase);
  static const std::regex kNoPending(R"(\bno (rows? )?pending\b)", std::regex::icase);
  if (std::regex_search(line, kPending) && !std::regex_search(line, kNoPending)) return FaultOver::kNone;
  // The GPU's: an Xid "cleared", a GPU reset that completed or succeeded, row remapping complete (a
  // health checker's "GPU 3 row remap completed after reset" too, PLC52).
  static const std::regex kGpu(
      R"((\bXid\b[^\n]{0,80}\bcleared\b|\bGPU\b[^\n]{0,80}\breset\b[^\n]{0,20}\b(completed?|succeeded|successful(ly)?|done)\b|\bGPU\b[^\n]{0,80}\b(was|been) successfully reset\b|\bsuccessfully reset\b[^\n]{0,40}\bGPU\b|\breset of GPU\b[^\n]{0,40}\b(completed?|succeeded|successful|done)\b|\b(row )?remap(ping)? (is |was |has been )?(complete|completed|succeeded|done)\b))",
      std::regex::icase);
  if (std::regex_search(line, kGpu)) return FaultOver::kGpu;
  // A port's: the kernel's "Link is Up" / "link up", a port's state changed to ACTIVE (ibstat's bare
  // "State: Active" is not read: its port is named lines above, and a healthy port prints it too).
  // PLC68 (realistic60 rl60-02): the IB driver's port event "mlx5_6: Port: 1 Link ACTIVE", the
  // counterpart of its "Port: 1 Link DOWN".
  static const std::regex kLink(
      R"((\bLink is Up\b|\blink (is )?up\b|\bport \d+ state:? ?ACTIVE\b|\bstate (changed )?(to |-> ?)?ACTIVE\b|\bPORT_ACTIVE\b|\bport:? ?\d+:? link ACTIVE\b))",
      std::regex::icase);
  if (std::regex_search(line, kLink)) return FaultOver::kLink;
  // The node's, from the scheduler: Slurm's resume of a drained node.
  static const std::regex kNode(
      R"((\bstate\s*=\s*resume\b|\bstate set to RESUME\b|\bnode\s+\S+\s+(was\s+|has been\s+)?(resumed|undrained)\b|\bundrain(ed)?\b[^\n]{0,40}\bnode|\breturned to service\b))",
      std::regex::icase);
  if (std::regex_search(line, kNode)) return FaultOver::kNode;
  // The node's file-system client, reconnected: Lustre's "Connection restored to <target> (at <nid>)",
  // NFS's "nfs: server <host> OK" (PLC37).
  static const std::regex kStorage(R"((\bLustre\b[^\n]{0,120}\bConnection restored to\b|\bnfs: server \S+ OK\b))",
                                   std::regex::icase);
  if (std::regex_search(line, kStorage)) return FaultOver::kStorage;
  return FaultOver::kNone;
}

bool WrittenAfter(const LineAt& earlier, const LineAt& later, int64_t no_time) {
  if (earlier.time_ms != no_time && later.time_ms != no_time) {
    if (later.time_ms != earlier.time_ms) return later.time_ms > earlier.time_ms;
    return later.log == earlier.log && later.line > earlier.line;
  }
  return later.log == earlier.log && later.line > earlier.line;
}

std::vector<std::vector<size_t>> RecoveriesEnding(const std::vector<LineAt>& sightings,
                                                  const std::vector<LineAt>& recoveries,
                                                  const std::function<bool(size_t sighting, size_t recovery)>& ends,
                                                  int64_t no_time) {
  std::vector<std::vector<size_t>> out(sightings.size());
  for (size_t s = 0; s < sightings.size(); ++s) {
    for (size_t r = 0; r < recoveries.size(); ++r) {
      const bool itself = sightings[s].log == recoveries[r].log && sightings[s].line == recoveries[r].line;
      if ((itself || WrittenAfter(sightings[s], recoveries[r], no_time)) && ends(s, r)) out[s].push_back(r);
    }
  }
  return out;
}

std::vector<bool> RecoveredSightings(const std::vector<LineAt>& sightings, const std::vector<LineAt>& recoveries,
                                     const std::function<bool(size_t sighting, size_t recovery)>& ends, int64_t no_time) {
  const std::vector<std::vector<size_t>> by = RecoveriesEnding(sightings, recoveries, ends, no_time);
  std::vector<bool> out(by.size());
  for (size_t s = 0; s < by.size(); ++s) out[s] = !by[s].empty();
  return out;
}

bool StorageWriteBrokeLaterLoad(const std::vector<std::vector<std::string_view>>& logs) {
  static const std::regex kIoError(R"(Input/output error|Remote I/O error|\bEIO\b|\[Errno 5\]|Stale file handle|\bESTALE\b)");
  static const std::regex kWriteWord(R"(\b(?:ckpt|checkpoint\w*|sav(?:e|es|ing|ed)|writ\w*)\b)", std::regex::icase);
  static const std::regex kDamaged(
      R"(PytorchStreamReader failed|failed finding central directory|unexpected EOF|invalid load key|checksum mismatch|)"
      R"(\b(?:truncated|corrupt\w*)\b[^.;]{0,40}\b(?:file|checkpoint|archive|shard|zip)\b|)"
      R"(\b(?:file|checkpoint|archive|shard)\b[^.;]{0,40}\b(?:truncated|corrupt\w*)\b)",
      std::regex::icase);
  for (const std::vector<std::string_view>& lines : logs) {
    bool broken_write = false;
    for (std::string_view v : lines) {
      if (v.size() > 2000) continue;
      const std::string t(v);
      if (!broken_write) {
        broken_write = std::regex_search(t, kIoError) && std::regex_search(t, kWriteWord);
      } else if (std::regex_search(t, kDamaged)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace vigil
