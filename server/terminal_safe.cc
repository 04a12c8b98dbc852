#include "server/terminal_safe.h"

namespace vigil {

std::string ErrorMessageText(std::string_view message) {
  const std::string safe = TerminalSafe(message, true);
  std::string text;
  text.reserve(safe.size() + 16);
  for (char c : safe) {
    text += c;
    if (c == '\n') text += "  ";
  }
  return text;
}

}  // namespace vigil
