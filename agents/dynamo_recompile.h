// torch._dynamo's recompilation notes and its recompile limit (PLC67). Pure, thread safe.
//
// torch.compile guards each compiled frame on what it was compiled for (shapes, dtypes, global state);
// a guard that fails recompiles the frame and dynamo logs why ("Recompiling function forward in
// gpt_model.py:240 triggered by: 0/3: tensor 'L['input_ids']' size mismatch at index 1. expected 4096,
// actual 4087"). Those words ("mismatch", "expected ... actual") are a guard's check, no error: the first
// steps of every compiled job print some. After `recompile_limit` (older torch: `cache_size_limit`)
// recompiles of one frame dynamo stops compiling it ("torch._dynamo hit config.recompile_limit (8)")
// and runs it uncompiled from then on: a rank where that happened, while the job's other ranks run the
// compiled frame, is slower every step and the others wait for it (straggler_rank on that rank).
#pragma once

#include <string>

namespace vigil {

// Whether `line` is one of dynamo's recompilation notes: "Recompiling function F in FILE:N triggered
// by: ...", its "last reason: ..." / "function: 'F' (...)" continuation under a limit line, the limit
// line itself, "To log all recompilation reasons". Lines over 4000 bytes: false.
bool IsDynamoRecompileNote(const std::string& line);

// The rank of a line saying dynamo hit its recompile limit ("[rank29]:W1206 ... torch._dynamo hit
// config.recompile_limit (8)", "cache_size_limit reached"), read from the "[rankN]" prefix; -1 for a
// line that says none or names no rank.
int RecompileLimitRank(const std::string& line);

}  // namespace vigil
