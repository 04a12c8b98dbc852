// Azure's HCA names (PLC72, realistic57 rl57-13 / rl57-15): on the ND-series VMs (NDv4, ND H100 v5) the
// image's udev rules name the InfiniBand VFs `mlx5_ib0` .. `mlx5_ib7`, one per IPoIB netdev `ib0` .. `ib7`
// (the same port: `mlx5_ibN` is `ibN`'s RDMA device). The reasoner's HCA patterns take `mlx5_N`,
// `ibpNsM`, `hfi1_N`, and the kernel's `ibN: Link down` (realistic25 rl25-03 names the port `ib3`), so an
// Azure port's faults were placed on the node only. These give the port its `ibN` name, the one the
// kernel's IPoIB lines and the VM's netdevs use. Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// "ibN" for an Azure HCA name "mlx5_ibN" (the whole of `name`); "" for any other name.
std::string AzureHcaPort(const std::string& name);

// The port ("ibN") of the first Azure HCA name "mlx5_ibN" that `text` holds as a word; "" for none and for
// texts over 2000 characters.
std::string AzureHcaPortIn(const std::string& text);

}  // namespace vigil
