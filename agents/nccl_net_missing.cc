#include "agents/nccl_net_missing.h"

#include <regex>

namespace vigil {

bool StatesNcclNetNotFound(const std::string& line) {
  if (line.size() > 4000) return false;
  if (line.find("Failed to initialize any NET plugin") != std::string::npos) return true;
  // PLC69 (realistic61 rl61-19): the same fact in the wording "Could not find network IBext_v8" (a
  // plugin's versioned name the loaded plugin does not export), whatever follows ("; available: ...").
  if (line.find("ould not find network") != std::string::npos) {
    static const std::regex kCouldNot(R"(\b[Cc]ould not find network (?!interface|namespace|device|route)\S{1,64})");
    if (std::regex_search(line, kCouldNot)) return true;
  }
  if (line.find("not found") == std::string::npos) return false;
  // "Error: network IB not found." - NCCL's WARN, or PyTorch's echo of it after "Last error:"; the
  // network's name is the variable's value as set: IB, Socket, a plugin's name of up to three words
  // ("AWS Libfabric").
  static const std::regex kNotFound(R"(\bError: network \S{1,64}(?: \S{1,64}){0,2} not found\b)");
  return std::regex_search(line, kNotFound);
}

bool StatesNcclNoSocketInterface(const std::string& line) {
  if (line.size() > 4000 || line.find("nterface found") == std::string::npos) return false;
  static const std::regex kNoInterface(R"(\b(?:Bootstrap|NET/Socket) ?: [Nn]o (?:socket )?interface found\b)");
  return std::regex_search(line, kNoInterface);
}

}  // namespace vigil
