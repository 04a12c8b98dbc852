// Rows of `uniq -c` output (PLC9, 2026-12-04): "      8 400.00 W, 49" - a count, then the line it
// counts - as people paste it to summarise a query over every GPU of a node (`nvidia-smi
// --query-gpu=power.limit --format=csv,noheader | sort | uniq -c`), often through pdsh, whose host
// prefix names the node each row is of ("gpu-f04:       8 400.00 W, 49"). Read only from a log whose
// source (the command) says `uniq -c`: elsewhere a number heading a line is no count. The reasoner
// (builtin_reasoner.cc, 3a-power) reads a node whose every GPU is counted at a low power limit as
// the node's cap, not the one GPU an `nvidia-smi -q -i 0` paste showed. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

struct UniqCountRow {
  size_t line = 0;   // index in the lines given
  std::string host;  // pdsh's host prefix ("" for none)
  int count = 0;     // how many lines carried `value`
  std::string value; // the counted line, trimmed
};

// True for a command (a log's source) piping into `uniq -c` (or `uniq --count`).
bool IsUniqCountCommand(const std::string& source);

// The count rows of `lines` (the output of such a command): "[HOST: ]COUNT VALUE", COUNT 1..99999,
// VALUE not empty; other lines are skipped.
std::vector<UniqCountRow> UniqCountRows(const std::vector<std::string>& lines);

// The first wattage a counted value states ("400.00 W, 49" -> 400); a negative number for none.
double UniqRowWatts(const std::string& value);

}  // namespace vigil
