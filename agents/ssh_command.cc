#include "agents/ssh_command.h"

#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace vigil {

namespace {

// The words of `command_line` after its first `command` word (or a path ending in "/command"), up to
// the first `|`, `;`, `&&` or `||`; nullopt when no word is the command.
std::optional<std::vector<std::string>> ArgumentsOf(const std::string& command_line, std::string_view command) {
  std::vector<std::string> words;
  std::istringstream in(command_line);
  for (std::string w; in >> w;) words.push_back(w);
  std::string slashed(1, '/');
  slashed += command;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool named = w == command || (w.size() > slashed.size() &&
                                        w.compare(w.size() - slashed.size(), slashed.size(), slashed) == 0);
    if (!named) continue;
    std::vector<std::string> args;
    for (size_t j = i + 1; j < words.size(); ++j) {
      if (words[j] == "|" || words[j] == ";" || words[j] == "&&" || words[j] == "||") break;
      args.push_back(words[j]);
    }
    return args;
  }
  return std::nullopt;
}

// `word` without the quotes around it.
std::string Unquoted(std::string word) {
  while (!word.empty() && (word.back() == '\'' || word.back() == '"')) word.pop_back();
  while (!word.empty() && (word.front() == '\'' || word.front() == '"')) word.erase(0, 1);
  return word;
}

}  // namespace

std::string SshTarget(const std::string& command_line) {
  const std::optional<std::vector<std::string>> args = ArgumentsOf(command_line, "ssh");
  if (!args) return "";
  // ssh's options that take an argument (OpenSSH's ssh(1)).
  constexpr std::string_view kWithArgument = "BbcDEeFIiJLlmOoPpQRSWw";
  for (size_t j = 0; j < args->size(); ++j) {
    const std::string& a = (*args)[j];
    if (a.size() >= 2 && a[0] == '-') {
      if (a.size() == 2 && kWithArgument.find(a[1]) != std::string_view::npos) ++j;
      continue;
    }
    std::string host = a;
    if (host.rfind("ssh://", 0) == 0) host.erase(0, 6);
    if (size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    if (size_t colon = host.find(':'); colon != std::string::npos) host.resize(colon);
    return Unquoted(host);
  }
  return "";
}

std::string SrunTarget(const std::string& command_line) {
  const std::optional<std::vector<std::string>> args = ArgumentsOf(command_line, "srun");
  if (!args) return "";
  for (size_t j = 0; j < args->size(); ++j) {
    const std::string& a = (*args)[j];
    std::string node;
    if ((a == "-w" || a == "--nodelist") && j + 1 < args->size()) node = (*args)[j + 1];
    else if (a.rfind("--nodelist=", 0) == 0) node = a.substr(11);
    else if (a.size() > 2 && a.rfind("-w", 0) == 0) node = a.substr(2);
    else continue;
    node = Unquoted(node);
    if (node.empty() || node.find_first_of(",[]") != std::string::npos) return "";
    return node;
  }
  return "";
}

namespace {

// The pod of a `kubectl VERB ... POD` command: `describe` false reads logs / exec / attach (POD or
// pod/POD), true reads `describe pod POD` / `describe pod/POD`. See KubectlPodTarget.
std::string KubectlTarget(const std::string& command_line, bool describe) {
  std::vector<std::string> words;
  std::istringstream in(command_line);
  for (std::string w; in >> w;) words.push_back(w);
  // kubectl's options (global, logs, exec, attach, describe) whose argument is the next word when
  // not written with '='. Boolean ones (-f, -p, -i, -t, --previous, --timestamps) take none.
  auto takes_argument = [](std::string_view o) {
    for (std::string_view a : {"-n", "--namespace", "-c", "--container", "--context", "--cluster", "--user",
                               "--kubeconfig", "-s", "--server", "--tail", "--since", "--since-time",
                               "--limit-bytes", "--pod-running-timeout", "--request-timeout", "--as", "--token",
                               "--chunk-size"}) {
      if (o == a) return true;
    }
    return false;
  };
  auto is_kubectl = [](const std::string& w) {
    return w == "kubectl" || w == "oc" || (w.size() > 8 && w.compare(w.size() - 8, 8, "/kubectl") == 0);
  };
  auto is_pod_kind = [](const std::string& k) { return k == "pod" || k == "pods" || k == "po"; };
  for (size_t i = 0; i < words.size(); ++i) {
    if (!is_kubectl(words[i])) continue;
    bool verb = false, kind = false;
    for (size_t j = i + 1; j < words.size(); ++j) {
      const std::string& a = words[j];
      if (a == "|" || a == ";" || a == "&&" || a == "||" || a == "--") return "";
      if (a.size() >= 2 && a[0] == '-') {
        if (a == "-l" || a == "--selector" || a.rfind("--selector=", 0) == 0 || a.rfind("-l=", 0) == 0) return "";
        if (a.find('=') == std::string::npos && takes_argument(a)) ++j;
        continue;
      }
      if (!verb) {
        const bool wanted = describe ? a == "describe" : (a == "logs" || a == "log" || a == "exec" || a == "attach");
        if (!wanted) return "";
        verb = true;
        continue;
      }
      std::string pod = a;
      while (!pod.empty() && (pod.back() == '\'' || pod.back() == '"')) pod.pop_back();
      while (!pod.empty() && (pod.front() == '\'' || pod.front() == '"')) pod.erase(0, 1);
      if (size_t slash = pod.find('/'); slash != std::string::npos) {
        if (!is_pod_kind(pod.substr(0, slash))) return "";
        return pod.substr(slash + 1);
      }
      if (describe && !kind) {  // describe's resource kind comes first
        if (!is_pod_kind(pod)) return "";
        kind = true;
        continue;
      }
      return pod;
    }
    return "";
  }
  return "";
}

}  // namespace

std::string KubectlPodTarget(const std::string& command_line) { return KubectlTarget(command_line, false); }

std::string KubectlDebugNodeTarget(const std::string& command_line) {
  std::vector<std::string> words;
  std::istringstream in(command_line);
  for (std::string w; in >> w;) words.push_back(w);
  // kubectl's global and `debug`'s options whose argument is the next word when not written with '='.
  auto takes_argument = [](std::string_view o) {
    for (std::string_view a : {"-n", "--namespace", "--context", "--cluster", "--user", "--kubeconfig", "-s",
                               "--server", "--as", "--token", "--request-timeout", "-c", "--container", "--image",
                               "--profile", "--target", "--copy-to", "--env", "--image-pull-policy",
                               "--custom"}) {
      if (o == a) return true;
    }
    return false;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& k = words[i];
    if (k != "kubectl" && k != "oc" && (k.size() <= 8 || k.compare(k.size() - 8, 8, "/kubectl") != 0)) continue;
    bool verb = false;
    for (size_t j = i + 1; j < words.size(); ++j) {
      const std::string& a = words[j];
      if (a == "|" || a == ";" || a == "&&" || a == "||" || a == "--") return "";
      if (a.size() >= 2 && a[0] == '-') {
        if (a.find('=') == std::string::npos && takes_argument(a)) ++j;
        continue;
      }
      if (!verb) {
        if (a != "debug") return "";
        verb = true;
        continue;
      }
      for (std::string_view kind : {"node/", "nodes/", "no/"}) {
        if (a.rfind(kind, 0) == 0) return a.substr(kind.size());
      }
      return "";  // debug of a pod (a copy of it, an ephemeral container): not a node
    }
    return "";
  }
  return "";
}

std::string KubectlDescribedPod(const std::string& command_line) { return KubectlTarget(command_line, true); }

}  // namespace vigil
