#include "agents/node_addresses.h"

#include <regex>

#include "agents/line_words.h"
#include "agents/node_names.h"

namespace vigil {

std::string PromptHost(std::string_view line) {
  static const std::regex kPrompt(R"(^\s*\[?[A-Za-z0-9._-]+@([A-Za-z0-9._-]+)[: ][^$#]*[$#]\s)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(line.begin(), line.end(), m, kPrompt)) return "";
  return m.str(1);
}

std::string NodeAddress(std::string_view address) {
  if (!IsIpAddress(address)) return "";
  std::string key = NodeNameKey(address);
  if (key.empty() || SharedByEveryHost(key)) return "";
  return key;
}

bool HostNameWord(std::string_view w) {
  if (w.empty() || w.size() > 253) return false;
  bool letter = false;
  for (char ch : w) {
    const bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    letter = letter || alpha;
    if (!alpha && !(ch >= '0' && ch <= '9') && ch != '.' && ch != '-' && ch != '_') return false;
  }
  return letter && w.front() != '-' && w.front() != '.';
}

bool SharedByEveryHost(std::string_view address) {
  const std::string key = NodeNameKey(address);
  if (key.rfind("127.", 0) == 0 || key.rfind("169.254.", 0) == 0 || key == "0.0.0.0") return true;
  if (key == "::1" || key == "::") return true;
  // fe80::/10: fe80 .. febf
  if (key.size() >= 4 && key.rfind("fe", 0) == 0 && key.find(':') != std::string::npos) {
    const char c = key[2];
    if (c == '8' || c == '9' || c == 'a' || c == 'b') return true;
  }
  return false;
}

std::string FailedConnectAddress(std::string_view line) {
  if (line.size() > 2000 || (line.find("onnect to ") == std::string_view::npos)) return "";
  static const std::regex kConnect(
      R"((?:socketPollConnect|socketStartConnect|socketConnect|Net\s*)?:?\s*[Cc]onnect to ([0-9A-Fa-f.:]+)<\d+>\s*)"
      R"((?:returned|failed)\b)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(line.begin(), line.end(), m, kConnect)) return "";
  return NodeAddress(m.str(1));
}

std::vector<AddressFact> AddressReader::Read(std::string_view line) {
  std::vector<AddressFact> out;
  if (line.size() > 2000) return out;
  const bool expect_output = after_hostname_i_;
  after_hostname_i_ = false;

  // `hostname -I`'s output: the line after the command, addresses only.
  if (expect_output) {
    const std::vector<std::string> words = LineWords(line);
    bool all = !words.empty();
    for (const std::string& w : words) all = all && IsIpAddress(w);
    if (all) {  // pdsh prints one such line a host (its label cut by the caller)
      after_hostname_i_ = true;
      for (const std::string& w : words) {
        if (std::string a = NodeAddress(w); !a.empty()) out.push_back({a, prompt_host_});
      }
      return out;
    }
  }
  static const std::regex kHostnameI(R"((?:^|[\s$#'"])hostname\s+(?:-[A-Za-z]*[Ii][A-Za-z]*|--all-ip-addresses|--ip-address)\b)");
  if (line.find("hostname") != std::string::npos &&
      std::regex_search(line.begin(), line.end(), kHostnameI)) {
    after_hostname_i_ = true;
    prompt_host_ = PromptHost(line);
    return out;
  }

  // scontrol show node: NodeName= starts a record, NodeAddr= gives its address.
  static const std::regex kNodeName(R"((?:^|\s)NodeName=([A-Za-z0-9._-]+))");
  static const std::regex kNodeAddr(R"((?:^|\s)NodeAddr=([0-9A-Fa-f.:]+)(?:\s|$))");
  if (line.find("NodeName=") != std::string::npos || line.find("NodeAddr=") != std::string::npos) {
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(line.begin(), line.end(), m, kNodeName)) record_node_ = m.str(1);
    if (!record_node_.empty() && std::regex_search(line.begin(), line.end(), m, kNodeAddr)) {
      if (std::string a = NodeAddress(m.str(1)); !a.empty()) out.push_back({a, record_node_});
    }
    return out;
  }

  // PLC29: NCCL's completion error prints its own RoCE v2 GID: "HOST:PID:TID [dev] ... NET/IB : Got
  // completion from peer 10.81.0.13<41770> with status=... localGid ::ffff:10.81.0.14 remoteGid ...":
  // the IPv4-mapped local GID is the writer's address (a link-local fe80:: GID is no node's). An srun
  // label ("24: ") may precede the prefix.
  if (line.find("localGid ::ffff:") != std::string_view::npos && line.find("completion from peer") != std::string_view::npos) {
    static const std::regex kWriterGid(R"(^\s*(?:\d+:\s*)?([A-Za-z0-9._-]+):\d+:\d+ \[\d+\].*\blocalGid ::ffff:(\d{1,3}(?:\.\d{1,3}){3})\b)");
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(line.begin(), line.end(), m, kWriterGid) && HostNameWord(m.str(1))) {
      if (std::string a = NodeAddress(m.str(2)); !a.empty()) out.push_back({a, m.str(1)});
    }
    return out;
  }

  // NCCL's own interfaces: "Bootstrap : Using ib0:10.20.7.77<0>", "NET/Socket : Using [0]ib0:...",
  // "OOB ib0:10.20.7.77<0>". The line's "HOST:PID:TID [dev]" prefix names its writer.
  if ((line.find("Bootstrap") != std::string::npos || line.find("NET/Socket") != std::string::npos ||
       line.find("OOB ") != std::string::npos) &&
      line.find("NCCL") != std::string::npos) {
    static const std::regex kUsing(R"((?:Bootstrap\s*:\s*Using|NET/Socket\s*:\s*Using|;\s*OOB)\s)");
    static const std::regex kIface(R"((?:\[\d+\])?[A-Za-z0-9_.-]+:([0-9A-Fa-f.:]+?)<\d+>)");
    static const std::regex kWriter(R"(^\s*([A-Za-z0-9._-]+):\d+:\d+ \[\d+\])");
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(line.begin(), line.end(), m, kUsing)) {
      std::string host;
      std::match_results<std::string_view::const_iterator> w;
      if (std::regex_search(line.begin(), line.end(), w, kWriter) && HostNameWord(w.str(1))) host = w.str(1);
      for (auto it = std::regex_iterator<std::string_view::const_iterator>(m[0].second, line.end(), kIface);
           it != std::regex_iterator<std::string_view::const_iterator>(); ++it) {
        if (std::string a = NodeAddress((*it).str(1)); !a.empty()) out.push_back({a, host});
      }
    }
    return out;
  }

  const std::vector<std::string> words = LineWords(line);
  if (words.empty()) return out;

  // `ip addr`: "inet 10.20.7.77/16 brd 10.20.255.255 scope global bond0".
  if ((words[0] == "inet" || words[0] == "inet6") && words.size() >= 2) {
    const std::string addr = words[1].substr(0, words[1].find('/'));
    if (std::string a = NodeAddress(addr); !a.empty()) out.push_back({a, ""});
    return out;
  }
  // `ip -br addr`: "bond0  UP  10.20.7.77/16 fe80::1/64".
  if (words.size() >= 3 && (words[1] == "UP" || words[1] == "DOWN" || words[1] == "UNKNOWN") &&
      words[2].find('/') != std::string::npos) {
    for (size_t i = 2; i < words.size(); ++i) {
      const size_t slash = words[i].find('/');
      if (slash == std::string::npos) break;
      if (std::string a = NodeAddress(words[i].substr(0, slash)); !a.empty()) out.push_back({a, ""});
    }
    return out;
  }
  // /etc/hosts, `getent hosts`: an address, then host names only ('#' starts a comment).
  if (IsIpAddress(words[0]) && words.size() >= 2) {
    std::vector<std::string> names;
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i][0] == '#') break;
      if (!HostNameWord(words[i])) return out;
      names.push_back(words[i]);
    }
    const std::string a = NodeAddress(words[0]);
    if (a.empty()) return out;
    for (const std::string& n : names) out.push_back({a, n});
    return out;
  }
  // `host NAME`: "gpu-07.cluster.local has address 10.20.7.77".
  // "... has IPv6 address fd00::7".
  const bool v4 = words.size() == 4 && words[2] == "address";
  const bool v6 = words.size() == 5 && words[2] == "IPv6" && words[3] == "address";
  if ((v4 || v6) && words[1] == "has" && HostNameWord(words[0])) {
    if (std::string a = NodeAddress(words.back()); !a.empty()) out.push_back({a, words[0]});
  }
  return out;
}

}  // namespace vigil
