// A node whose GPUs are another model than its peers' in one job's pool (PLC79, 2026-12-08; seen:
// realistic68 rl68-13): a PCIe "H200 NVL" node (600 W, lower clocks) scheduled beside HGX "H200"
// nodes runs every step slower, and the job waits for its ranks. The model each node carries is read
// from what the case shows of it: DCGM series' `modelName` label beside `Hostname`, a `gpu.inventory`
// probe's "product <model>" reason, and `kubectl get nodes -L nvidia.com/gpu.product` tables (a
// header naming a GPU.PRODUCT column, one node a row). Names are compared by GpuModelKey ("NVIDIA-
// H200-NVL" and "NVIDIA H200 NVL" are one model). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct NodeGpuModel {
  std::string node;
  std::string model;   // as printed
  std::string source;  // where it was read ("metric ...", "probe ...", a log's source:line)
};

// The model's comparison key: upper case, '-' / '_' as spaces, runs of spaces as one, a leading
// "NVIDIA " dropped ("NVIDIA-H200-NVL" -> "H200 NVL"); empty for an empty name.
std::string GpuModelKey(std::string_view model);

// The (node, product) rows of a `kubectl get nodes ... -L nvidia.com/gpu.product` table in `lines`
// (a header line with NAME first and a GPU.PRODUCT column; each row's first field the node, read in
// the header's column; a row whose field count differs from the header's is not read). `source` of
// each is the index of its line, as text.
std::vector<NodeGpuModel> ReadGpuProductTable(const std::vector<std::string>& lines);

// The product a `gpu.inventory` probe's reason names ("product NVIDIA H200 NVL"), or empty.
std::string InventoryProduct(std::string_view reason);

struct OddGpuModel {
  std::string node;        // the one node of another model
  std::string model;       // its model, as printed
  std::string peer_model;  // the model every other node named shows
  size_t peers = 0;        // how many other nodes show peer_model
  std::string source;      // where the odd node's model was read
};

// The one node of `seen` whose model differs from the one model every other node named shows, with
// at least 2 peers (1 where `pool_model`, the topology's gpu_model, is the peers' model too). A node
// shown with two models is not read; two nodes or more of other models (a mixed pool) are none.
std::optional<OddGpuModel> FindOddGpuModel(const std::vector<NodeGpuModel>& seen, std::string_view pool_model);

}  // namespace vigil
