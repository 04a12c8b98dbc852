#include "agents/rendezvous_host.h"

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "agents/node_names.h"
#include "core/parse.h"

namespace vigil {

std::vector<std::string> RendezvousConnectHosts(const std::string& line) {
  std::vector<std::string> out;
  if (line.size() > 4000 || line.find("connect to") == std::string::npos) return out;
  static const std::regex kBracket(R"(\bfailed to connect to \[([^\]\s]{1,253})\]:\d{1,5})");
  static const std::regex kParen(R"(\btrying to connect to \(([^,\s)]{1,253}),\s*\d{1,5}\))");
  // PyTorch 2.x's wording (RG19): "The client socket has failed to connect to any network address of
  // (10.233.71.9, 29500). The client socket has failed to connect to 10.233.71.9:29500 (errno: 111 -
  // Connection refused)." (an IPv6 address is printed in brackets, read by kBracket).
  static const std::regex kAnyOf(R"(\bfailed to connect to any network address of \(([^,\s)]{1,253}),\s*\d{1,5}\))");
  static const std::regex kBare(R"(\bfailed to connect to ([A-Za-z0-9][A-Za-z0-9._-]{0,252}):\d{1,5}\b)");
  for (const std::regex* re : {&kBracket, &kParen, &kAnyOf, &kBare}) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), *re); it != std::sregex_iterator(); ++it) {
      std::string h = (*it)[1].str();
      bool seen = false;
      for (const std::string& o : out) seen = seen || SameNodeName(o, h);
      if (!seen) out.push_back(std::move(h));
    }
  }
  return out;
}

std::optional<StoreJoinCount> ReadStoreJoinCount(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  static const std::regex kClients(R"(\bwaiting for clients\.?\s+(\d{1,7})\s*/\s*(\d{1,7}) clients joined\b)");
  static const std::regex kBarrier(
      R"(\bstore based barrier\b[^()]{0,300}\(world_size=(\d{1,7}),\s*(?:worker_count|num_workers_joined)=(\d{1,7})\b)");
  std::smatch m;
  std::optional<int32_t> joined, expected;
  if (line.find("clients joined") != std::string::npos && std::regex_search(line, m, kClients)) {
    joined = ParseInt32(m.str(1));
    expected = ParseInt32(m.str(2));
  } else if (line.find("store based barrier") != std::string::npos && std::regex_search(line, m, kBarrier)) {
    expected = ParseInt32(m.str(1));
    joined = ParseInt32(m.str(2));
  }
  if (!joined || !expected || *joined >= *expected) return std::nullopt;
  return StoreJoinCount{*joined, *expected};
}

namespace {

// The values `list` (group 1: a host list) finds in `line`, "(null)" / "None" / empty left out.
std::vector<std::string> HostlistValues(const std::string& line, const std::regex& list) {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), list); it != std::sregex_iterator(); ++it) {
    const std::string v = (*it)[1].str();
    if (v == "(null)" || v == "None" || v.empty()) continue;
    out.push_back(v);
  }
  return out;
}

}  // namespace

std::vector<std::string> AllocationHostlists(const std::string& line) {
  if (line.size() > 4000 || (line.find("NodeList=") == std::string::npos && line.find("NODELIST=") == std::string::npos)) {
    return {};
  }
  static const std::regex kList(R"((?:^|[\s"'])(?:SLURM_JOB_NODELIST|SLURM_NODELIST|NodeList)=([^\s"']+))");
  return HostlistValues(line, kList);
}

std::vector<std::string> ExcludedHostlists(const std::string& line) {
  if (line.size() > 4000 || line.find("ExcNodeList=") == std::string::npos) return {};
  static const std::regex kList(R"((?:^|\s)ExcNodeList=([^\s"']+))");
  return HostlistValues(line, kList);
}

std::string SlurmJobIdOfLine(const std::string& line) {
  if (line.size() > 4000 || (line.find("JobId=") == std::string::npos && line.find("SLURM_JOB") == std::string::npos &&
                             line.find("show job") == std::string::npos && line.find("srun: job") == std::string::npos)) {
    return "";
  }
  static const std::regex kJob(
      R"((?:\bJobId=|\bSLURM_JOB_?ID=|\bscontrol\s+show\s+jobs?\s+|\bsrun: job )(\d{1,12})\b)");
  std::smatch m;
  return std::regex_search(line, m, kJob) ? m[1].str() : std::string();
}

std::string SlurmJobIdOfSource(const std::string& source) {
  static const std::regex kOut(R"((?:^|/)slurm-(\d{1,12})(?:_\d{1,6})?\.(?:out|err|log)(?:\.\d{1,3})?(?:$|\s))");
  std::smatch m;
  return std::regex_search(source, m, kOut) ? m[1].str() : std::string();
}

bool RunsShowHostnamesOfJob(const std::string& text) {
  if (text.size() > 2000 || text.find("hostnames") == std::string::npos) return false;
  static const std::regex kShow(
      R"((?:^|[\s;&|$(])scontrol\s+show\s+hostnames?(?:\s+"?\$\{?SLURM_(?:JOB_)?NODELIST\}?"?)?\s*(?:$|[;&|)#]))");
  return std::regex_search(text, kShow);
}

bool IsBareHostName(const std::string& line) {
  if (line.size() > 253) return false;
  static const std::regex kName(R"(^\s*[A-Za-z][A-Za-z0-9_.-]*\s*$)");
  return std::regex_match(line, kName);
}

FinishedPodRendezvous RendezvousAtFinishedPod(const std::vector<CaseLog>& logs) {
  FinishedPodRendezvous first;
  std::vector<std::string> hosts;
  // address -> (pod, status) of every row of a `kubectl get pods -o wide` table that lists it.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> rows;
  for (const CaseLog& log : logs) {
    int status_col = -1;  // the table being read: STATUS's column (2, 3 under -A's NAMESPACE); -1 when none
    for (const LogLine& l : log.lines) {
      const std::string& text = l.text;
      for (const std::string& h : RendezvousConnectHosts(text)) {
        hosts.push_back(h);
        if (first.line.empty()) {
          first.line = text.substr(0, 400);
          first.source = log.source + ":" + std::to_string(l.number);
        }
      }
      if (text.size() > 2000) {
        status_col = -1;
        continue;
      }
      std::istringstream in(text);
      std::vector<std::string> words;
      for (std::string w; in >> w;) words.push_back(w);
      if (words.size() >= 4 && (words[0] == "NAME" || words[0] == "NAMESPACE") &&
          std::find(words.begin(), words.end(), "STATUS") != words.end() &&
          std::find(words.begin(), words.end(), "IP") != words.end()) {
        status_col = words[0] == "NAMESPACE" ? 3 : 2;
        continue;
      }
      if (status_col < 0) continue;
      if (words.size() <= static_cast<size_t>(status_col) + 2 || words[static_cast<size_t>(status_col) - 1].find('/') == std::string::npos) {
        status_col = -1;  // the table's end: no "READY" cell ("1/1") where it stands
        continue;
      }
      const std::string& pod = words[static_cast<size_t>(status_col) - 2];
      const std::string& status = words[static_cast<size_t>(status_col)];
      for (size_t i = static_cast<size_t>(status_col) + 1; i < words.size(); ++i) {
        if (IsIpAddress(words[i])) {
          rows[words[i]].emplace_back(pod, status);
          break;
        }
      }
    }
  }
  if (hosts.empty()) return {};
  for (const std::string& h : hosts) {
    auto it = rows.find(h);
    if (it == rows.end()) return {};
    for (const auto& [pod, status] : it->second) {
      if (status != "Completed" && status != "Succeeded") return {};  // a live pod holds the address too
    }
    if (first.host.empty()) {
      first.host = h;
      first.pod = it->second.front().first;
      first.status = it->second.front().second;
    }
  }
  return first;
}

}  // namespace vigil
