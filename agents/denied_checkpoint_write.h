// PLC66 (realistic58 rl58-02 / rl58-28, seen): the job's checkpoint (or other output) writes refused
// with EACCES on several ranks - Python's "PermissionError: [Errno 13] Permission denied: '/path'",
// "OSError: [Errno 13]", a C library's "open(/path): Permission denied", "EACCES" - are the storage's
// answer that the job may no longer write there: a Kerberos ticket for a sec=krb5 NFS mount that
// expired (rpc.gssd's GSS_S_CREDENTIALS_EXPIRED / "Ticket expired"), an ownership, group or ACL change
// on the directory. It is the storage path the job cannot use (storage_failure, the job: every rank
// writes to the same directory), whatever fabric noise sits beside it. Before, rl58-02 answered a port
// that had flapped and recovered two hours earlier (ib_link_failure 0.80) and rl58-28 storage_failure
// at 0.25 from the line recall of the quota entry. Not read: one rank's single refusal (an unrelated
// path), ssh's "Permission denied (publickey)", and a write of an emergency / crash-time save (that save
// is made because something else already failed). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The path a line says a write / open / mkdir was refused for with EACCES (Errno 13, "Permission
// denied" on a path); empty when the line says none. ssh's "Permission denied (publickey...)" is none.
std::string DeniedWritePath(const std::string& line);

// Whether a line states that a Kerberos / GSS credential expired (GSS_S_CREDENTIALS_EXPIRED, "Ticket
// expired", KRB5KRB_AP_ERR_TKT_EXPIRED, "krb5 ... expired credentials").
bool StatesCredentialExpired(const std::string& line);

struct DeniedWrites {
  std::vector<size_t> lines;           // the denied-write lines (distinct paths / ranks), in order
  std::optional<size_t> credential;    // the first line of an expired credential, if any
};

// The denied writes of `lines` when at least two lines name a denied path (distinct lines: two ranks,
// two files) and none of them is an emergency / crash-time save; nullopt otherwise. Lines over 4000
// bytes are not read.
std::optional<DeniedWrites> FindDeniedWrites(const std::vector<std::string>& lines);

}  // namespace vigil
