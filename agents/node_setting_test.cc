// SocketIfnameOfLine on NCCL's line as launchers and log collectors hand it on (review S35,
// 2026-12-03).
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "agents/node_setting.h"

namespace vigil {
namespace {

using HostValue = std::pair<std::string, std::string>;

// NCCL's "host:pid:tid [dev] NCCL INFO ..." rarely reaches a log bare: `srun --label` puts the task
// id first ("3: "), torchrun's --tee / --log-dir the local rank ("[default0]:"), `kubectl logs
// --timestamps` and journald a time. Before, the line had to start with the host, so a job launched
// any of these ways gave no setting, and the node configured apart was not found.
TEST_CASE("SocketIfnameOfLine reads NCCL's line behind a launcher's or a collector's prefix") {
  const HostValue want{"hpc-0412", "ens3f0"};
  const std::string nccl = "hpc-0412:2211:2211 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens3f0";
  CHECK(SocketIfnameOfLine(nccl) == want);
  CHECK(SocketIfnameOfLine("3: " + nccl) == want);                                  // srun --label
  CHECK(SocketIfnameOfLine("[default0]:" + nccl) == want);                          // torchrun --tee
  CHECK(SocketIfnameOfLine("2026-12-03T10:00:01.123456789Z " + nccl) == want);       // kubectl --timestamps
  CHECK(SocketIfnameOfLine("[rank3]:" + nccl) == want);
  // Not a host: a prefix that runs into the host name is not cut into one.
  CHECK(SocketIfnameOfLine("xhpc-0412:2211:2211 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens3f0") ==
        HostValue{"xhpc-0412", "ens3f0"});
  // pdsh's "host: NCCL_SOCKET_IFNAME=..." stays read from the line's start only.
  CHECK(SocketIfnameOfLine("hpc-0412: NCCL_SOCKET_IFNAME=ens3f0") == want);
  CHECK(SocketIfnameOfLine("export NCCL_SOCKET_IFNAME=bond0").first.empty());
}

}  // namespace
}  // namespace vigil
