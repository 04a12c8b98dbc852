// StorePortInUse / StoreConnectPort (PLC52, 2026-12-07).
#include <doctest/doctest.h>

#include "agents/store_port_in_use.h"

namespace vigil {
namespace {

TEST_CASE("plc52: StorePortInUse reads a store server's EADDRINUSE, StoreConnectPort a client's port") {
  CHECK(StorePortInUse("RuntimeError: The server socket has failed to listen on any local network address. port: 29511, "
                       "useIpv6: 0, code: -98, name: EADDRINUSE, message: address already in use") == 29511);
  CHECK(StorePortInUse("torch.distributed.DistNetworkError: The server socket has failed to listen on any local network "
                       "address. The server socket has failed to bind to [::]:29400 (errno: 98 - Address already in use).") ==
        29400);
  // A client's refusal, or a port free: no collision.
  CHECK_FALSE(StorePortInUse("The client socket has failed to connect to [tn-01]:29500 (errno: 111 - Connection refused)."));
  CHECK_FALSE(StorePortInUse("TCPStore server listening on port: 29500"));
  CHECK(StoreConnectPort("torch.distributed.DistNetworkError: The client socket has timed out after 600000ms while trying "
                         "to connect to (tn-01, 29511).") == 29511);
  CHECK(StoreConnectPort("The client socket has failed to connect to [tn-01]:29400 (errno: 111 - Connection refused).") ==
        29400);
  CHECK_FALSE(StoreConnectPort("NCCL WARN Net : Connect to 10.1.2.3<45123> failed : Connection refused"));
}

}  // namespace
}  // namespace vigil
