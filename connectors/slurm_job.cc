#include "connectors/slurm_job.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/utf8.h"

namespace vigil {
namespace {

bool IsWordKey(std::string_view key) {
  if (key.empty() || !std::isalpha(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '/';
  });
}

size_t SaturatingMul(size_t a, size_t b) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a) return std::numeric_limits<size_t>::max();
  return a * b;
}
size_t SaturatingAdd(size_t a, size_t b) {
  return b > std::numeric_limits<size_t>::max() - a ? std::numeric_limits<size_t>::max() : a + b;
}

// One range of a bracket group: [lo, hi], each printed zero-padded to `width`.
struct Range {
  uint64_t lo = 0, hi = 0;
  size_t width = 0;
  size_t count() const { return hi - lo >= std::numeric_limits<size_t>::max() ? std::numeric_limits<size_t>::max() : static_cast<size_t>(hi - lo + 1); }
};
// An item: literal parts around its groups: parts[0] group[0] parts[1] group[1] ... parts[n].
struct Item {
  std::vector<std::string> parts;
  std::vector<std::vector<Range>> groups;
};

std::string Quoted(std::string_view s) {
  std::string out = "`";  // appended: GCC 12's -Wrestrict misfires on "`" + ...
  out += Utf8Prefix(s, 80);
  out += '`';
  return out;
}

// InvalidArgument "host list item `<item>`: <what>".
Status BadItem(std::string_view item, std::string_view what) {
  std::string m = "host list item ";
  m += Quoted(item);
  m += ": ";
  m += what;
  return InvalidArgumentError(std::move(m));
}

Result<uint64_t> Number(std::string_view digits, std::string_view item) {
  if (digits.empty()) return BadItem(item, "an empty range bound");
  if (digits.size() > 18) return BadItem(item, Quoted(digits) + " has over 18 digits");
  uint64_t v = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return BadItem(item, Quoted(digits) + " is not a number");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Result<std::vector<Range>> ParseGroup(std::string_view body, std::string_view item) {
  std::vector<Range> out;
  if (body.empty()) return BadItem(item, "an empty [] group");
  while (true) {
    const size_t comma = body.find(',');
    const std::string_view el = body.substr(0, comma);
    if (el.empty()) return BadItem(item, "an empty element in its [] group");
    const size_t dash = el.find('-');
    Range r;
    ASSIGN_OR_RETURN(r.lo, Number(el.substr(0, dash), item));
    r.hi = r.lo;
    if (dash != std::string_view::npos) {
      ASSIGN_OR_RETURN(r.hi, Number(el.substr(dash + 1), item));
      if (r.hi < r.lo) {
        std::string what = "the range ";
        what += Quoted(el);
        what += " runs backwards";
        return BadItem(item, what);
      }
    }
    r.width = el.substr(0, dash).size();
    out.push_back(r);
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  return out;
}

Result<Item> ParseItem(std::string_view item) {
  if (item.empty()) return InvalidArgumentError("host list: an empty item (two commas, or one at an end)");
  Item it;
  it.parts.emplace_back();
  for (size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    if (c == '[') {
      const size_t close = item.find(']', i);
      if (close == std::string_view::npos) return BadItem(item, "a `[` never closed");
      const std::string_view body = item.substr(i + 1, close - i - 1);
      if (body.find('[') != std::string_view::npos) return BadItem(item, "a `[` inside a `[`");
      ASSIGN_OR_RETURN(std::vector<Range> g, ParseGroup(body, item));
      it.groups.push_back(std::move(g));
      it.parts.emplace_back();
      i = close;
    } else if (c == ']') {
      return BadItem(item, "a `]` without `[`");
    } else if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return BadItem(item, "a space or control byte in a host name");
    } else {
      it.parts.back() += c;
    }
  }
  return it;
}

std::string Padded(uint64_t v, size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// The item's names in order (an odometer over its groups, the last group fastest), until `out`
// holds `max` names.
void Enumerate(const Item& it, size_t max, std::vector<std::string>& out) {
  const size_t n = it.groups.size();
  std::vector<size_t> range(n, 0);
  std::vector<uint64_t> value(n);
  for (size_t g = 0; g < n; ++g) value[g] = it.groups[g][0].lo;
  while (out.size() < max) {
    std::string name = it.parts[0];
    for (size_t g = 0; g < n; ++g) {
      name += Padded(value[g], it.groups[g][range[g]].width);
      name += it.parts[g + 1];
    }
    out.push_back(std::move(name));
    size_t g = n;
    while (g > 0) {
      --g;
      const Range& r = it.groups[g][range[g]];
      if (value[g] < r.hi) {
        ++value[g];
        break;
      }
      if (range[g] + 1 < it.groups[g].size()) {
        value[g] = it.groups[g][++range[g]].lo;
        break;
      }
      range[g] = 0;
      value[g] = it.groups[g][0].lo;
      if (g == 0) return;  // every combination made
    }
    if (n == 0) return;
  }
}

}  // namespace

bool IsSlurmJobId(std::string_view id) {
  if (id.empty() || id.size() > 32 || !std::isdigit(static_cast<unsigned char>(id[0]))) return false;
  size_t i = 0;
  while (i < id.size() && std::isdigit(static_cast<unsigned char>(id[i]))) ++i;
  if (i == id.size()) return true;
  if (id[i] != '_' && id[i] != '+') return false;
  ++i;
  if (i == id.size()) return false;
  for (; i < id.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

std::map<std::string, std::string> ParseScontrolJob(std::string_view text) {
  std::map<std::string, std::string> out;
  // The first non-empty line.
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    text = line;
    break;
  }
  std::string* value = nullptr;
  while (!text.empty()) {
    const size_t sp = text.find(' ');
    std::string_view token = text.substr(0, sp);
    text.remove_prefix(sp == std::string_view::npos ? text.size() : sp + 1);
    if (!token.empty() && token.back() == '\r') token.remove_suffix(1);
    const size_t eq = token.find('=');
    if (eq != std::string_view::npos && IsWordKey(token.substr(0, eq))) {
      value = &out[std::string(token.substr(0, eq))];
      *value = std::string(token.substr(eq + 1));
    } else if (value != nullptr) {
      *value += ' ';
      *value += token;
    }
  }
  return out;
}

Result<ScontrolJob> ShowSlurmJob(const ProgramRunner& run, const std::string& scontrol, double timeout_s,
                                 std::string_view id) {
  if (!IsSlurmJobId(id)) {
    return InvalidArgumentError("the job id `" + Utf8Prefix(id, 64) +
                                "` is not a Slurm job id (digits, optionally _<array task> or +<offset>); Slurm not asked");
  }
  Result<CommandOutput> ran = run({scontrol, "show", "job", "-o", std::string(id)}, timeout_s);
  if (!ran.ok()) {
    if (ran.status().code() == StatusCode::kNotFound) {
      return UnavailableError("Slurm unreachable: " + ran.status().message() + " (scontrol is not installed where vigil runs)");
    }
    return InternalError(scontrol + " could not be run: " + ran.status().message());
  }
  const std::string said = ran->err.empty() ? ran->out : ran->err;
  const std::string first_line = Utf8Prefix(said.substr(0, said.find('\n')), 300);
  if (ran->exit_code != 0) {
    if (said.find("Invalid job id") != std::string::npos) {
      return NotFoundError("the job is unknown to Slurm (" + first_line +
                           "; a job that ended more than MinJobAge ago is no longer listed)");
    }
    if (ran->exit_code < 0 || said.find("contact") != std::string::npos || said.find("timed out") != std::string::npos ||
        said.find("onnection") != std::string::npos) {
      return UnavailableError("Slurm unreachable (" + scontrol + " show job: " + (first_line.empty() ? ran->end : first_line) + ")");
    }
    return InternalError(scontrol + " show job failed (" + ran->end + (first_line.empty() ? "" : ": " + first_line) + ")");
  }
  ScontrolJob job;
  job.fields = ParseScontrolJob(ran->out);
  for (size_t at = 0; at < ran->out.size();) {
    const size_t nl = ran->out.find('\n', at);
    const std::string_view line = std::string_view(ran->out).substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    if (line.rfind("JobId=", 0) == 0) {
      ++job.records;
      if (job.all.size() < kMaxScontrolRecords) job.all.push_back(job.all.empty() ? job.fields : ParseScontrolJob(line));
    }
    at = nl == std::string::npos ? ran->out.size() : nl + 1;
  }
  auto it = job.fields.find("JobId");
  if (it == job.fields.end() || it->second.empty()) {
    return InternalError(scontrol + " show job answered no job (" + Utf8Prefix(ran->out.substr(0, ran->out.find('\n')), 200) + ")");
  }
  return job;
}

Result<HostList> ExpandSlurmHostList(std::string_view list, size_t max_hosts) {
  HostList out;
  if (list.empty()) return InvalidArgumentError("host list: empty");
  // Items end at commas outside brackets.
  std::vector<std::string_view> items;
  size_t depth = 0, from = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || (list[i] == ',' && depth == 0)) {
      items.push_back(list.substr(from, i - from));
      from = i + 1;
    } else if (list[i] == '[') {
      ++depth;
    } else if (list[i] == ']' && depth > 0) {
      --depth;
    }
  }
  for (std::string_view raw : items) {
    ASSIGN_OR_RETURN(Item it, ParseItem(raw));
    size_t count = 1;
    for (const auto& g : it.groups) {
      size_t in_group = 0;
      for (const Range& r : g) in_group = SaturatingAdd(in_group, r.count());
      count = SaturatingMul(count, in_group);
    }
    out.total = SaturatingAdd(out.total, count);
    Enumerate(it, max_hosts, out.hosts);
  }
  return out;
}

SlurmJobNodeSource::SlurmJobNodeSource(ProgramRunner run, std::string scontrol, double timeout_s)
    : run_(std::move(run)), scontrol_(std::move(scontrol)), timeout_s_(timeout_s) {}

std::string SlurmJobNodeSource::Describe() const { return "slurm (" + scontrol_ + " show job)"; }

Result<SlurmJobNodes> SlurmJobNodeSource::Nodes(std::string_view id, size_t max_nodes) const {
  ASSIGN_OR_RETURN(ScontrolJob job, ShowSlurmJob(run_, scontrol_, timeout_s_, id));
  auto field = [](const std::map<std::string, std::string>& f, const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  SlurmJobNodes out;
  out.job_id = field(job.fields, "JobId");
  out.state = field(job.fields, "JobState");
  out.records = job.records;
  // A heterogeneous job asked by its base id: each record is a component (HetJobId the id asked).
  const std::string het = field(job.fields, "HetJobId");
  if (job.records > 1 && !het.empty() && het == id) {
    out.job_id = het;
    size_t cut = 0;  // names past the cap, and those never expanded
    std::vector<std::string> pending;
    for (const auto& f : job.all) {
      if (field(f, "HetJobId") != het) continue;
      const std::string offset = field(f, "HetJobOffset");
      const std::string list = field(f, "NodeList");
      if (list.empty() || list == "(null)") {
        pending.push_back("+" + offset + ": " + (field(f, "JobState").empty() ? std::string("?") : field(f, "JobState")));
        continue;
      }
      Result<HostList> hosts = ExpandSlurmHostList(list, max_nodes);
      if (!hosts.ok()) {
        return InvalidArgumentError("its component +" + offset + "'s NodeList `" + Utf8Prefix(list, 200) +
                                    "` could not be read: " + hosts.status().message());
      }
      out.components.push_back("+" + offset + ": " + Utf8Prefix(list, 200));
      cut = SaturatingAdd(cut, hosts->total - hosts->hosts.size());
      for (std::string& h : hosts->hosts) {
        if (std::find(out.nodes.begin(), out.nodes.end(), h) != out.nodes.end()) continue;  // in two components
        if (out.nodes.size() < max_nodes) {
          out.nodes.push_back(std::move(h));
        } else {
          ++cut;
        }
      }
    }
    if (out.components.empty()) {
      return FailedPreconditionError("Slurm names no nodes for any of its " + std::to_string(job.all.size()) +
                                     " heterogeneous components yet (" + (pending.empty() ? std::string("none listed") : pending.front()) + ")");
    }
    for (const std::string& p : pending) out.components.push_back(p.substr(0, p.find(':')) + ": none yet (" + p.substr(p.find(':') + 2) + ")");
    out.total = SaturatingAdd(out.nodes.size(), cut);
    return out;
  }
  const std::string list = field(job.fields, "NodeList");
  if (list.empty() || list == "(null)") {
    return FailedPreconditionError("Slurm names no nodes for it yet (JobState=" + (out.state.empty() ? "?" : out.state) +
                                   ", NodeList=" + (list.empty() ? "absent" : list) + ")");
  }
  Result<HostList> hosts = ExpandSlurmHostList(list, max_nodes);
  if (!hosts.ok()) return InvalidArgumentError("its NodeList `" + Utf8Prefix(list, 200) + "` could not be read: " + hosts.status().message());
  out.nodes = std::move(hosts->hosts);
  out.total = hosts->total;
  return out;
}

}  // namespace vigil
