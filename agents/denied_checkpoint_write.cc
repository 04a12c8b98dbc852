#include "agents/denied_checkpoint_write.h"

#include <regex>
#include <set>

namespace vigil {

std::string DeniedWritePath(const std::string& line) {
  if (line.size() > 4000) return {};
  if (line.find("ermission denied") == std::string::npos && line.find("EACCES") == std::string::npos &&
      line.find("Errno 13") == std::string::npos) {
    return {};
  }
  // A fixed or resolved refusal quoted in a later line is history, not the job's write.
  static const std::regex kHistory(R"(\b(?:resolved|restored|fixed)\b)", std::regex::icase);
  if (std::regex_search(line, kHistory)) return {};
  std::smatch m;
  // Python: "PermissionError: [Errno 13] Permission denied: '/p'" / OSError the same.
  static const std::regex kPy(R"(\[Errno 13\][^'"]{0,40}['"](/[^'"]{1,400})['"])");
  if (std::regex_search(line, m, kPy)) return m.str(1);
  // "open(/p): Permission denied", "cannot create directory '/p': Permission denied",
  // "/p: Permission denied" (the path before the words).
  // ssh's "Permission denied (publickey,...)" names no path written: not read.
  static const std::regex kSsh(R"(\bPermission denied \()");
  if (std::regex_search(line, kSsh)) return {};
  static const std::regex kBefore(R"((/[^\s'"():]{1,400})['")]?\s*:\s*Permission denied\b)");
  if (std::regex_search(line, m, kBefore)) return m.str(1);
  // "Permission denied: /p", "EACCES ... path=/p", "path=/p ... errno=EACCES".
  static const std::regex kAfter(R"(\bPermission denied\b\s*[:,]?\s*['"]?(/[^\s'"]{1,400}))");
  if (std::regex_search(line, m, kAfter)) return m.str(1);
  static const std::regex kEacces(R"(\bEACCES\b)");
  static const std::regex kPathKv(R"(\b(?:path|dir|file)=(/\S{1,400}))");
  if (std::regex_search(line, kEacces) && std::regex_search(line, m, kPathKv)) return m.str(1);
  return {};
}

bool StatesCredentialExpired(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kExpired(
      R"(\bGSS_S_CREDENTIALS_EXPIRED\b|\bKRB5KRB_AP_ERR_TKT_EXPIRED\b|\bTicket expired\b|\b(?:krb5|kerberos|gss\w*)\b.{0,120}\bexpired credentials?\b)",
      std::regex::icase);
  return std::regex_search(line, kExpired);
}

std::optional<DeniedWrites> FindDeniedWrites(const std::vector<std::string>& lines) {
  static const std::regex kEmergency(R"(\b(?:emergency|on[_ -]?crash|crash[_ -]?dump|on[_ -]?exception)\b)",
                                     std::regex::icase);
  DeniedWrites d;
  std::set<std::string> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 4000) continue;
    if (!d.credential && StatesCredentialExpired(t)) d.credential = i;
    const std::string path = DeniedWritePath(t);
    if (path.empty()) continue;
    if (std::regex_search(t, kEmergency)) return std::nullopt;
    if (seen.insert(path).second) d.lines.push_back(i);
  }
  if (d.lines.size() < 2) return std::nullopt;
  return d;
}

}  // namespace vigil
