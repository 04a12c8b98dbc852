// A question in an on-call note is a guess, not a reading (PLC63, realistic56 rl56-29): a note file
// ("grafana-note.txt", "oncall-notes.md", "ops/notes") holds what a person saw and wondered ("GPU
// util 0% on all 16 nodes -> GPUs dead?? node-7 had an Xid 79 in October"). The fault words of such a
// line are the person's hypothesis; they gave it a signature's full weight on the node it names.
// Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether a log source's name says it is a note: a path component or word "note" / "notes"
// ("grafana-note.txt", "oncall-notes.md", "ops/notes", "incident-notes").
bool IsNoteSource(const std::string& source);

// Whether a line asks rather than reports: a '?' that ends a word or clause ("dead??", "check IB?",
// "fabric? paging ..."), not one inside a URL's query ("graph?g0.expr=") or a wildcard ("gpu?").
bool IsQuestionLine(const std::string& line);

}  // namespace vigil
