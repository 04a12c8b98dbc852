// The node an engineer's note at the end of a pasted shell command names (PLC10, 2026-12-04): "$ sudo
// lspci -vv -s 9a:00.0 | grep LnkSta   # on gpu-f09", "$ py-spy dump --pid 1448 # rank 0 on gpu-t01",
// "$ kubectl -n gpu-operator logs nvidia-device-plugin-x2k | tail -3   # gpu-m05". The output below
// such a command, up to the next command, was written on that node, as after `ssh NODE ...`
// (SshNodes reads it after ssh, srun -w and kubectl). Pure function, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The words a shell comment at the end of `command_line` offers as its node, most likely first:
// the word after "on" (or "from", "@"), then the comment's first word ("# gpu-m05 at 21:56"). A
// comment is a `#` after a space, outside quotes; words are cut at spaces, commas, parentheses and
// ':'. Without a comment, a short note in parentheses that closes the line after a space ("$ lspci -vv -s
// 43:00.0 (gpu-f09)", PLC62: at most four words, no quotes) is read the same way. Empty for neither or
// lines over 2000 bytes. The caller keeps a word only if it is a node
// of the case (ReportedNode).
std::vector<std::string> CommentNodeWords(const std::string& command_line);

}  // namespace vigil
