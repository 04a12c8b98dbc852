#include "connectors/job_log_source.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/strings.h"
#include "core/utf8.h"

namespace vigil {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the UTF-8 sequence `lead` starts (0: no lead byte).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// `raw` with each run of bytes that are not UTF-8 or are control bytes (not TAB) as one U+FFFD;
// `*replaced` counts the bytes.
std::string CleanLine(std::string_view raw, size_t* replaced) {
  std::string out;
  out.reserve(raw.size());
  bool in_run = false;
  for (size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    size_t len = 0;
    if (c == '\t' || (c >= 0x20 && c < 0x7F)) {
      len = 1;
    } else if (c >= 0x80) {
      const size_t want = SequenceLength(c);
      if (want > 0 && i + want <= raw.size() && IsValidUtf8(raw.substr(i, want))) len = want;
    }
    if (len == 0) {
      if (!in_run) out += kReplacement;
      in_run = true;
      ++*replaced;
      ++i;
      continue;
    }
    in_run = false;
    out.append(raw.substr(i, len));
    i += len;
  }
  return out;
}

std::string ErrnoText(int e) {
  switch (e) {
    case ENOENT: return "no such file";
    case EACCES:
    case EPERM: return "permission denied";
    case ELOOP: return "a symlink loop (too many levels of symbolic links)";
    case ENOTDIR: return "a part of the path is not a folder";
    case ENAMETOOLONG: return "the path is too long";
    default: return std::strerror(e);
  }
}

std::string FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "not a regular file: a character device (output sent to /dev/null is not kept anywhere)";
  if (S_ISBLK(mode)) return "not a regular file: a block device";
  if (S_ISFIFO(mode)) return "not a regular file: a FIFO";
  if (S_ISSOCK(mode)) return "not a regular file: a socket";
  return "not a regular file";
}

// A value a path may hold for a template's placeholder: letters, digits, . _ + - (no leading '.'),
// at most 128 bytes.
bool SafePathPart(std::string_view v) {
  if (v.empty() || v.size() > 128 || v[0] == '.') return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' || c == '-';
  });
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

Result<JobLogFile> ReadLogTail(const std::string& path, const JobLogLimits& limits) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR) return NotFoundError(path + ": " + ErrnoText(e));
    if (e == EACCES || e == EPERM || e == ELOOP) return FailedPreconditionError(path + ": " + ErrnoText(e));
    return InternalError(path + ": cannot open: " + ErrnoText(e));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return InternalError(path + ": cannot stat: " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return FailedPreconditionError(path + ": " + FileKind(st.st_mode));
  JobLogFile f;
  f.path = path;
  f.file_bytes = static_cast<uint64_t>(st.st_size);
  const uint64_t want = std::min<uint64_t>(f.file_bytes, limits.max_bytes);
  const uint64_t start = f.file_bytes - want;
  // One byte before the tail as well: whether the tail's first line starts there.
  const uint64_t from = start > 0 ? start - 1 : 0;
  std::string buf(static_cast<size_t>(f.file_bytes - from), '\0');
  size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(from + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return InternalError(path + ": read failed at byte " + std::to_string(from + got) + ": " + ErrnoText(errno));
    }
    if (n == 0) break;  // shrank since fstat
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  f.whole = start == 0;
  f.bytes_read = got - (start > 0 && got > 0 ? 1 : 0);
  std::string_view text(buf);
  bool in_last_line = false;  // the bytes read are all of the file's last line: its end is kept
  if (start > 0 && !text.empty()) {
    // The byte before the tail ends a line: the tail starts with a whole one; else its first
    // (partial) line is dropped, unless it is the only line: the file's last line, longer than
    // the bytes read (RV8: a tqdm bar of `\r` updates over max_bytes, a job hung mid-epoch, was
    // read as an empty file; its end, the newest part, is kept, "[cut] " before it).
    const size_t nl = text.find('\n');
    if (nl != std::string_view::npos && nl + 1 < text.size()) {
      text.remove_prefix(nl + 1);
    } else if (nl == 0) {
      text = {};
    } else {
      text.remove_prefix(1);  // the byte before the tail
      in_last_line = text.find_first_not_of("\r\n") != std::string_view::npos;
      if (!in_last_line) text = {};
    }
  }
  std::vector<std::string_view> raw;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    raw.push_back(line);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  f.lines_in_read = raw.size();
  const size_t first = raw.size() > limits.max_lines ? raw.size() - limits.max_lines : 0;
  f.lines.reserve(raw.size() - first);
  for (size_t i = first; i < raw.size(); ++i) {
    std::string_view line = raw[i];
    // RV10: a progress bar's line (tqdm: `\r` updates, no `\n`) in its last state, as a terminal
    // shows it; before, every state (each `\r` a U+FFFD) and, past max_line_bytes, the oldest only.
    if (const std::string_view last = LastCarriageReturnState(line); last.size() != line.size()) {
      if (last.data() != line.data()) ++f.progress_lines;  // not a stray CR at the end
      line = last;
    }
    if (in_last_line) {  // its start is not read: the end of it, from a character's first byte
      if (line.size() > limits.max_line_bytes) line.remove_prefix(line.size() - limits.max_line_bytes);
      for (int k = 0; k < 3 && !line.empty() && (static_cast<unsigned char>(line[0]) & 0xC0) == 0x80; ++k)
        line.remove_prefix(1);
      std::string clean = CleanLine(line, &f.bytes_replaced);
      if (clean.size() > limits.max_line_bytes) {  // U+FFFD is 3 bytes: cut again, from the front
        size_t from_byte = clean.size() - limits.max_line_bytes;
        while (from_byte < clean.size() && (static_cast<unsigned char>(clean[from_byte]) & 0xC0) == 0x80) ++from_byte;
        clean.erase(0, from_byte);
      }
      f.lines.push_back("[cut] " + clean);
      ++f.long_lines_cut;
      continue;
    }
    const bool cut = line.size() > limits.max_line_bytes;
    if (cut) line = line.substr(0, limits.max_line_bytes);
    std::string clean = CleanLine(line, &f.bytes_replaced);
    if (clean.size() > limits.max_line_bytes) clean = Utf8Prefix(clean, limits.max_line_bytes);
    if (cut) {
      clean += " [cut]";
      ++f.long_lines_cut;
    }
    f.lines.push_back(std::move(clean));
  }
  return f;
}

std::string ExpandSlurmFilename(std::string_view pattern, const std::map<std::string, std::string>& job,
                                std::vector<std::string>* unknown) {
  if (pattern.find('\\') != std::string_view::npos) return std::string(pattern);
  auto field = [&](const char* key) -> std::string {
    auto it = job.find(key);
    return it == job.end() ? std::string() : it->second;
  };
  // "UserId=alice(1000)" -> "alice"; "BatchHost=node-3.cluster" -> "node-3".
  std::string user = field("UserId");
  user = user.substr(0, user.find('('));
  std::string host = field("BatchHost");
  host = host.substr(0, host.find('.'));
  const std::string array_job = field("ArrayJobId");
  const std::string task = field("ArrayTaskId");
  const bool array = !array_job.empty() && !task.empty() && task.size() <= 18 &&
                     task.find_first_not_of("0123456789") == std::string::npos;
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    size_t j = i + 1;
    size_t width = 0;
    while (j < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[j])) && j - i <= 2) {
      width = width * 10 + static_cast<size_t>(pattern[j] - '0');
      ++j;
    }
    if (j >= pattern.size()) {
      out.append(pattern.substr(i));
      break;
    }
    const char letter = pattern[j];
    std::string v;
    bool known = true;
    switch (letter) {
      case '%': v = "%"; break;
      case 'j': v = field("JobId"); break;
      case 'J': v = field("JobId").empty() ? "" : field("JobId") + ".batch"; break;
      case 'A': v = array ? array_job : field("JobId"); break;
      case 'a': v = array ? task : ""; break;
      case 'b': v = array ? std::to_string(std::stoull(task) % 10) : ""; break;
      case 'x': v = field("JobName"); break;
      case 'u': v = user; break;
      case 'N': v = host; break;
      case 'n':
      case 't': v = "0"; break;
      case 's': v = "batch"; break;
      default: known = false;
    }
    if (!known || v.empty()) {
      if (unknown != nullptr) unknown->push_back(std::string(pattern.substr(i, j - i + 1)));
      out.append(pattern.substr(i, j - i + 1));
    } else {
      if (letter != '%' && v.size() < width && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        v.insert(0, width - v.size(), '0');
      }
      out += v;
    }
    i = j;
  }
  return out;
}

SlurmJobLogSource::SlurmJobLogSource(ProgramRunner run, JobLogLimits limits, std::string scontrol, double timeout_s)
    : run_(std::move(run)), limits_(limits), scontrol_(std::move(scontrol)), timeout_s_(timeout_s) {}

std::string SlurmJobLogSource::Describe() const { return "slurm (" + scontrol_ + " show job)"; }

JobLogReading SlurmJobLogSource::Read(const JobLogRequest& request) const {
  JobLogReading r;
  const std::string& id = request.job_id;
  const std::string job = "slurm job " + id;
  if (!IsSlurmJobId(id)) {
    r.notes.push_back("job log: not read: the job id `" + Utf8Prefix(id, 64) +
                      "` is not a Slurm job id (digits, optionally _<array task> or +<offset>); Slurm not asked");
    return r;
  }
  Result<ScontrolJob> shown = ShowSlurmJob(run_, scontrol_, timeout_s_, id);
  if (!shown.ok()) {
    const bool missing = shown.status().message().find("is not installed where vigil runs") != std::string::npos;
    r.notes.push_back("job log: " + job + " not read: " + shown.status().message() +
                      (missing ? "; set job_log_path on a cluster without Slurm" : ""));
    r.job_unknown = shown.status().code() == StatusCode::kNotFound;  // "Invalid job id" (slurm_finished_job.h)
    return r;
  }
  const std::map<std::string, std::string>& fields = shown->fields;
  auto field = [&](const char* k) {
    auto it = fields.find(k);
    return it == fields.end() ? std::string() : it->second;
  };
  const std::vector<std::pair<std::string, std::string>> streams = JobOutputStreams(field("StdOut"), field("StdErr"));
  if (streams.empty()) {
    r.notes.push_back("job log: " + job + " not read: Slurm names no StdOut or StdErr for it (an interactive salloc / "
                      "srun job writes to its terminal)");
    return r;
  }
  const std::string batch_host = field("BatchHost");
  for (const auto& [stream, given] : streams) {
    std::vector<std::string> unknown;
    std::string path = ExpandSlurmFilename(given, fields, &unknown);
    if (!path.empty() && path[0] != '/' && !field("WorkDir").empty()) path = field("WorkDir") + "/" + path;
    const std::string what = "job log: " + job + "'s " + (stream == "stderr" ? "StdErr " : "StdOut ") + path;
    if (!unknown.empty()) {
      r.notes.push_back(what + ": " + JoinStrings(unknown, " ") + " left unexpanded (the job does not say what it stands for)");
    }
    Result<JobLogFile> f = ReadLogTail(path, limits_);
    if (!f.ok()) {
      std::string why = f.status().message();
      if (why.rfind(path + ": ", 0) == 0) why = why.substr(path.size() + 2);
      std::string where;
      if (f.status().code() == StatusCode::kNotFound && !batch_host.empty()) {
        where = " (Slurm writes it on the batch host " + batch_host + "; vigil reads it where it runs, so a file "
                "system shared with the nodes is needed)";
      }
      r.notes.push_back(what + ": not read: " + why + where);
      continue;
    }
    f->stream = stream;
    r.files.push_back(std::move(*f));
  }
  return r;
}

std::vector<std::pair<std::string, std::string>> JobOutputStreams(const std::string& std_out, const std::string& std_err) {
  std::vector<std::pair<std::string, std::string>> streams;
  if (!std_out.empty() && std_out == std_err) {
    streams.emplace_back("stdout+stderr", std_out);
    return streams;
  }
  if (!std_out.empty()) streams.emplace_back("stdout", std_out);
  if (!std_err.empty()) streams.emplace_back("stderr", std_err);
  return streams;
}

Status CheckJobLogTemplate(std::string_view t) {
  if (t.empty() || t[0] != '/') {
    return InvalidArgumentError("job_log_path `" + std::string(t) + "`: not an absolute path (e.g. /var/log/jobs/{job}/*.log)");
  }
  if (t.find("{job}") == std::string_view::npos) {
    return InvalidArgumentError("job_log_path `" + std::string(t) + "`: names no {job} (e.g. /var/log/jobs/{job}/*.log)");
  }
  const std::string rest = ReplaceAll(ReplaceAll(std::string(t), "{job}", ""), "{node}", "");
  if (const size_t at = rest.find('{'); at != std::string::npos && rest.find('}', at) != std::string::npos) {
    return InvalidArgumentError("job_log_path `" + std::string(t) + "`: " + rest.substr(at, rest.find('}', at) - at + 1) +
                                " is no placeholder ({job} and {node} are)");
  }
  return Status::Ok();
}

PathJobLogSource::PathJobLogSource(std::string path_template, JobLogLimits limits)
    : template_(std::move(path_template)), limits_(limits) {}

std::string PathJobLogSource::Describe() const { return "path " + template_; }

JobLogReading PathJobLogSource::Read(const JobLogRequest& request) const {
  JobLogReading r;
  const std::string job = "job " + Utf8Prefix(request.job_id, 64);
  if (!SafePathPart(request.job_id)) {
    r.notes.push_back("job log: " + job + " not read: its id is not one a path may hold (letters, digits, . _ + -, "
                      "not starting with '.'; at most 128 bytes)");
    return r;
  }
  std::string pattern = ReplaceAll(template_, "{job}", request.job_id);
  if (pattern.find("{node}") != std::string::npos) {
    if (request.node.empty() || !SafePathPart(request.node)) {
      r.notes.push_back("job log: " + job + " not read: job_log_path " + template_ + " names {node} and the alert " +
                        (request.node.empty() ? "names no node" : "names a node no path may hold"));
      return r;
    }
    pattern = ReplaceAll(pattern, "{node}", request.node);
  }
  glob_t g{};
  const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
  std::vector<std::string> paths;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  if (rc == GLOB_NOMATCH || (rc == 0 && paths.empty())) {
    r.notes.push_back("job log: " + job + " not read: no file matches " + pattern);
    return r;
  }
  if (rc != 0) {
    r.notes.push_back("job log: " + job + " not read: " + pattern + " could not be listed (" +
                      (rc == GLOB_NOSPACE ? "out of memory" : "a read error") + ")");
    return r;
  }
  if (paths.size() > limits_.max_files) {
    r.notes.push_back("job log: " + job + ": " + std::to_string(paths.size()) + " files match " + pattern +
                      "; the first " + std::to_string(limits_.max_files) + " in name order read, from " +
                      paths[limits_.max_files] + " on not");
    paths.resize(limits_.max_files);
  }
  for (const std::string& p : paths) {
    Result<JobLogFile> f = ReadLogTail(p, limits_);
    if (!f.ok()) {
      r.notes.push_back("job log: " + job + ": " + f.status().message() + ": not read");
      continue;
    }
    r.files.push_back(std::move(*f));
  }
  return r;
}

}  // namespace vigil
