#include "agents/command_comment.h"

#include <cctype>

namespace vigil {

std::vector<std::string> CommentNodeWords(const std::string& command_line) {
  std::vector<std::string> out;
  if (command_line.size() > 2000) return out;
  // The comment: a '#' after a space, outside quotes (a prompt's "root@host:~#" has none before it).
  char quote = 0;
  size_t at = std::string::npos;
  for (size_t i = 1; i < command_line.size(); ++i) {
    const char ch = command_line[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') quote = ch;
    else if (ch == '#' && std::isspace(static_cast<unsigned char>(command_line[i - 1]))) {
      at = i;
      break;
    }
  }
  size_t end = command_line.size();
  if (quote != 0) return out;
  if (at == std::string::npos) {
    // PLC62 (realistic55 rl55-30: "$ lspci -vv -s 43:00.0 | grep -E 'LnkCap:|LnkSta:' (ppt-b2-14)"): a
    // note in parentheses closing the command line, after a space, names the node as a comment does.
    size_t last = command_line.find_last_not_of(" \t\r");
    if (last == std::string::npos || command_line[last] != ')') return out;
    const size_t open = command_line.rfind('(', last);
    if (open == std::string::npos || open == 0 || !std::isspace(static_cast<unsigned char>(command_line[open - 1]))) return out;
    if (command_line.find(')', open) != last) return out;
    // A short note only (a node, "on NODE", "NODE, rank 3, 08:25"): at most four words, no quotes. A
    // sentence in parentheses ("(node-7 drained by on-call: 'Xid 13 GPU5')" after a `# attempt 2 on ...`
    // line, realistic44 rl44-22) says something else of that node.
    const std::string note = command_line.substr(open + 1, last - open - 1);
    if (note.find_first_of("'\"") != std::string::npos) return out;
    size_t words = 0;
    bool in_word = false;
    for (const char ch : note) {
      const bool sep = std::isspace(static_cast<unsigned char>(ch)) || ch == ',';
      if (!sep && !in_word) ++words;
      in_word = !sep;
    }
    if (words == 0 || words > 4) return out;
    at = open;
    end = last;
  }
  std::vector<std::string> words;
  std::string w;
  for (size_t i = at + 1; i <= end; ++i) {
    const char ch = i < end ? command_line[i] : ' ';
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == '(' || ch == ')' || ch == ';') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += ch;
    }
  }
  for (std::string& word : words) {  // "gpu-f09:" -> "gpu-f09"
    while (!word.empty() && (word.back() == ':' || word.back() == '.')) word.pop_back();
  }
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "on" || words[i] == "from" || words[i] == "@") out.push_back(words[i + 1]);
  }
  if (!words.empty()) out.push_back(words.front());
  return out;
}

}  // namespace vigil
