#include "agents/checkpoint_layout.h"

#include <algorithm>
#include <map>
#include <regex>

#include "core/parse.h"
#include "core/ascii.h"

namespace vigil {
namespace {

constexpr size_t kMaxLine = 4000;
constexpr size_t kTracebackNear = 5;  // a Traceback this many lines after a checkpoint load is its failure

long Number(const std::string& s) {
  std::optional<int64_t> v = ParseInt(s);
  return v && *v >= 0 && *v < 100'000'000 ? static_cast<long>(*v) : -1;
}

bool HasCheckpointWord(const std::string& lower) {
  return lower.find("checkpoint") != std::string::npos || lower.find("ckpt") != std::string::npos;
}

// The parallel sizes a text names, by family ("dp", "tp", "pp", "world"): the first number of each.
std::map<std::string, long> ParallelSizes(const std::string& lower) {
  static const std::regex kSize(
      R"(\b(data[-_ ]parallel(?:[-_ ]size)?|dp[-_ ]world[-_ ]size|dp[-_ ]size|dp|tensor[-_ ]model[-_ ]parallel(?:[-_ ]size)?|tensor[-_ ]parallel(?:[-_ ]size)?|tp[-_ ]size|tp|pipeline[-_ ]model[-_ ]parallel(?:[-_ ]size)?|pipeline[-_ ]parallel(?:[-_ ]size)?|pp[-_ ]size|pp|world[-_ ]size|world)\b\s*(?:of\s+|is\s+|[=:]\s*)?\(?(\d{1,8})\b)");
  std::map<std::string, long> out;
  for (auto it = std::sregex_iterator(lower.begin(), lower.end(), kSize); it != std::sregex_iterator(); ++it) {
    const std::string key = it->str(1);
    std::string family;
    if (key.find("world") != std::string::npos && key.rfind("dp", 0) != 0) family = "world";
    else if (key[0] == 'd') family = "dp";
    else if (key[0] == 't') family = "tp";
    else family = "pp";
    out.emplace(family, Number(it->str(2)));
  }
  return out;
}

const char* FamilyWords(const std::string& family) {
  if (family == "dp") return "data-parallel size";
  if (family == "tp") return "tensor-parallel size";
  if (family == "pp") return "pipeline-parallel size";
  return "world size";
}

std::string Said(const std::string& what, long saved, long now) {
  return what + " " + std::to_string(saved) + " in the checkpoint, " + std::to_string(now) + " now";
}

// Whether a line may say anything read here (the cheap test before lower-casing it).
bool MayState(std::string_view line) {
  for (std::string_view lit : {"heckpoint", "HECKPOINT", "ckpt", "CKPT", "ize mismatch", "world size", "world_size",
                               "WORLD_SIZE", "World size"}) {
    if (line.find(lit) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<CheckpointLayoutMismatch> CheckpointLayoutLine(std::string_view view) {
  if (view.size() > kMaxLine || !MayState(view)) return std::nullopt;
  const std::string lower = AsciiLower(view);
  std::smatch m;
  // DeepSpeed ZeRO's optimizer state.
  if (lower.find("dp world size of") != std::string::npos) {
    static const std::regex kZero(R"(used a dp world size of (\d+) but the current world size is (\d+))");
    if (std::regex_search(lower, m, kZero) && Number(m.str(1)) != Number(m.str(2)))
      return CheckpointLayoutMismatch{0, Said("DP world size", Number(m.str(1)), Number(m.str(2)))};
  }
  // Megatron's check_checkpoint_args.
  if (lower.find("value from checkpoint") != std::string::npos) {
    static const std::regex kArgs(
        R"(\b([a-z_]*(?:parallel_size|world_size)[a-z_]*) value from checkpoint \((\d+)\) is not equal to the input argument value \((\d+)\))");
    if (std::regex_search(lower, m, kArgs) && Number(m.str(2)) != Number(m.str(3)))
      return CheckpointLayoutMismatch{0, Said(m.str(1), Number(m.str(2)), Number(m.str(3)))};
  }
  // torch's state-dict load and torch.distributed.checkpoint's planner: a shard cut for another split.
  if (lower.find("size mismatch") != std::string::npos) {
    static const std::regex kParam(
        R"(size mismatch for ([^\s:]{1,200}): copying a param with shape (torch\.size\(\[[^\]]{0,80}\]\)) from checkpoint, the shape in current model is (torch\.size\(\[[^\]]{0,80}\]\)))");
    static const std::regex kDcp(
        R"(size mismatch between saved (torch\.size\(\[[^\]]{0,80}\]\)) and current:? (torch\.size\(\[[^\]]{0,80}\]\)))");
    if (std::regex_search(lower, m, kParam) && m.str(2) != m.str(3))
      return CheckpointLayoutMismatch{0, m.str(1) + ": shape " + m.str(2) + " in the checkpoint, " + m.str(3) + " now"};
    if (std::regex_search(lower, m, kDcp) && m.str(1) != m.str(2))
      return CheckpointLayoutMismatch{0, "a shard of shape " + m.str(1) + " in the checkpoint, " + m.str(2) + " now"};
  }
  // Megatron-Core dist_checkpointing's load (PLC37): "Global shape mismatch for loaded
  // (torch.Size([6144, 6144])) and expected ((6144, 12288)) tensor for key <key>": the run's model is
  // cut or sized otherwise than the one saved. The two shapes are compared by their numbers.
  if (const size_t at = lower.find("shape mismatch for loaded "); at != std::string::npos) {
    const size_t and_at = lower.find(" and expected ", at);
    const size_t tensor_at = and_at == std::string::npos ? std::string::npos : lower.find(" tensor for key ", and_at);
    if (tensor_at != std::string::npos) {
      static const std::regex kDims(R"(\d{1,9})");
      auto dims = [&](size_t from, size_t to) {
        std::string out;
        const std::string part = lower.substr(from, to - from);
        for (auto it = std::sregex_iterator(part.begin(), part.end(), kDims); it != std::sregex_iterator(); ++it) {
          out += (out.empty() ? "" : ", ") + it->str();
        }
        return out;
      };
      const std::string loaded = dims(at + 26, and_at), expected = dims(and_at + 14, tensor_at);
      if (!loaded.empty() && !expected.empty() && loaded != expected) {
        std::string key(view.substr(tensor_at + 16, std::min<size_t>(200, view.size() - tensor_at - 16)));
        key = key.substr(0, key.find_first_of(" \t"));
        return CheckpointLayoutMismatch{0, key + ": shape (" + loaded + ") in the checkpoint, (" + expected + ") now"};
      }
    }
  }
  if (!HasCheckpointWord(lower)) return std::nullopt;
  // "mismatch in tensor_model_parallel_size: checkpoint 4, current 8".
  static const std::regex kKeyed(
      R"(\b([a-z_ -]{0,30}(?:parallel[-_ ]size|world[-_ ]size))\b[^0-9]{0,40}?\b(?:checkpoint|ckpt|saved)\b\D{0,6}(\d{1,8})\b\D{0,20}?\b(?:current|now|runtime|requested|args?)\b\D{0,6}(\d{1,8})\b)");
  if (lower.find("mismatch") != std::string::npos && std::regex_search(lower, m, kKeyed) &&
      Number(m.str(2)) != Number(m.str(3))) {
    std::string key = m.str(1);
    while (!key.empty() && key.front() == ' ') key.erase(0, 1);
    return CheckpointLayoutMismatch{0, Said(key, Number(m.str(2)), Number(m.str(3)))};
  }
  // A checkpoint error naming the sizes it was saved with and the current ones ("... was saved with
  // data-parallel size 32 (world 128); current data-parallel size 30 (world 120)").
  static const std::regex kSaved(R"(\b(?:saved|written|sharded)\s+(?:with|for|at|using)\b)");
  static const std::regex kCurrent(R"(\b(?:current(?:ly)?|now|this run|the run|requested)\b)");
  std::smatch sm, cm;
  if (!std::regex_search(lower, sm, kSaved)) return std::nullopt;
  const std::string after_saved = lower.substr(static_cast<size_t>(sm.position(0)));
  if (!std::regex_search(after_saved, cm, kCurrent)) return std::nullopt;
  const std::map<std::string, long> saved = ParallelSizes(after_saved.substr(0, static_cast<size_t>(cm.position(0))));
  const std::map<std::string, long> now = ParallelSizes(after_saved.substr(static_cast<size_t>(cm.position(0))));
  for (const char* family : {"dp", "tp", "pp", "world"}) {
    auto s = saved.find(family);
    auto n = now.find(family);
    if (s == saved.end() || n == now.end() || s->second < 0 || n->second < 0 || s->second == n->second) continue;
    return CheckpointLayoutMismatch{0, Said(FamilyWords(family), s->second, n->second)};
  }
  return std::nullopt;
}

std::optional<CheckpointLayoutMismatch> CheckpointLayoutMismatchIn(const std::vector<std::string_view>& lines) {
  static const std::regex kSavedWorld(R"(\bworld[-_ ]size\b["']?\s*(?:of\s+|is\s+|[=:]\s*)?(\d{1,8})\b)");
  static const std::regex kUsingWorld(R"(\busing world size:\s*(\d{1,8})\b)");
  static const std::regex kFailed(R"(\b(?:error|exception|failed|failure|cannot|can't|unable|mismatch\w*)\b)");
  static const std::regex kBareNumber(R"(^\s*(\d{1,8})\s*$)");
  long saved_world = -1;
  long current_world = -1;
  size_t current_line = 0;
  size_t load_line = 0;
  bool load_seen = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > kMaxLine) continue;
    if (!MayState(lines[i]) && (current_world < 0 || lines[i].find("Traceback") == std::string_view::npos)) continue;
    if (std::optional<CheckpointLayoutMismatch> one = CheckpointLayoutLine(lines[i])) {
      one->line = i;
      return one;
    }
    const std::string lower = AsciiLower(lines[i]);
    std::smatch m;
    const bool ckpt = HasCheckpointWord(lower);
    // The world a checkpoint was saved with: its save line, or its metadata's world_size printed (on the
    // line, or alone on the next line after a command that reads it).
    if (ckpt && (lower.find("sav") != std::string::npos || lower.find("metadata") != std::string::npos ||
                 lower.find("args") != std::string::npos)) {
      if (std::regex_search(lower, m, kSavedWorld)) {
        saved_world = Number(m.str(1));
      } else if (lower.find("world_size") != std::string::npos && i + 1 < lines.size() && lines[i + 1].size() <= 40) {
        const std::string next(lines[i + 1]);
        if (std::regex_match(next, m, kBareNumber)) saved_world = Number(m.str(1));
      }
    }
    if (lower.find("using world size") != std::string::npos && std::regex_search(lower, m, kUsingWorld)) {
      current_world = Number(m.str(1));
      current_line = i;
      load_seen = false;
    }
    if (current_world < 0) continue;
    // A load of the checkpoint after the run's world size, and its failure.
    if (ckpt && lower.find("load") != std::string::npos) {
      load_seen = true;
      load_line = i;
    }
    const bool failed = (ckpt && std::regex_search(lower, kFailed)) ||
                        (load_seen && i > load_line && i - load_line <= kTracebackNear &&
                         lower.find("traceback") != std::string::npos);
    if (failed && i > current_line && saved_world >= 0 && saved_world != current_world) {
      return CheckpointLayoutMismatch{i, Said("world size", saved_world, current_world)};
    }
  }
  return std::nullopt;
}

std::optional<ScratchStart> ResumeStartedFromScratch(const std::vector<std::vector<std::string_view>>& logs) {
  static const std::regex kTracker(R"(could not find the metadata file\s+(\S*)latest_checkpointed_iteration\.txt)");
  static const std::regex kSaved(R"(\bsaved checkpoint (?:from |at )?(?:iteration|iter|step)\s*[:=]?\s*(\d{1,9})\b)", std::regex::icase);
  // The latest iteration a save line states, in lines [0, end) of a log.
  auto saved_before = [&](const std::vector<std::string_view>& lines, size_t end) {
    long best = -1;
    for (size_t i = 0; i < end && i < lines.size(); ++i) {
      if (lines[i].size() > kMaxLine || lines[i].find("aved checkpoint") == std::string_view::npos) continue;
      const std::string t(lines[i]);
      std::smatch m;
      if (std::regex_search(t, m, kSaved)) best = std::max(best, Number(m.str(1)));
    }
    return best;
  };
  for (size_t li = 0; li < logs.size(); ++li) {
    const std::vector<std::string_view>& lines = logs[li];
    std::string dir;
    bool tracker_missing = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].size() > kMaxLine) continue;
      if (lines[i].find("latest_checkpointed_iteration") != std::string_view::npos) {
        const std::string t(lines[i]);
        std::smatch m;
        if (std::regex_search(t, m, kTracker)) {
          tracker_missing = true;
          dir = m.str(1);
        }
        continue;
      }
      if (!tracker_missing || lines[i].find("will start from random") == std::string_view::npos) continue;
      if (dir.empty() || dir == "/" || dir == "None/" || dir == "none/") {
        return ScratchStart{li, i, "the load directory is unset (\"" + dir + "latest_checkpointed_iteration.txt\")"};
      }
      long saved = saved_before(lines, i);
      for (size_t lo = 0; lo < logs.size(); ++lo) {
        if (lo != li) saved = std::max(saved, saved_before(logs[lo], logs[lo].size()));
      }
      if (saved > 0) return ScratchStart{li, i, "a checkpoint of iteration " + std::to_string(saved) + " was saved before"};
    }
  }
  return std::nullopt;
}

}  // namespace vigil
