// NCCL's peer-to-peer transport switched off by the job's environment on NVLink GPUs (PLC59,
// 2026-12-07; realistic53 rl53-07). NCCL says so itself: "NCCL INFO NCCL_P2P_DISABLE set by environment
// to 1", and its channels between GPUs of one node then go "via SHM/direct/direct" (host shared
// memory) instead of "via P2P/..." (NVLink): on an NVLink board every intra-node collective crawls
// through host memory, a job's network setting (often left from a debugging session), not a device
// fault. On a board without P2P (workstation GPUs: "P2P is disabled ... not supported on this
// platform") SHM is the normal path, and a person's words ("should I set NCCL_P2P_DISABLE=1?") are no
// setting. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// NCCL's own line saying the environment set NCCL_P2P_DISABLE to a true value (1, true, yes); false
// for a line over 2000 bytes.
bool StatesP2pDisabledByEnv(const std::string& line);

// NCCL's channel line for a connection over host shared memory ("Channel 00/0 : 0[0] -> 1[1] via SHM/").
bool StatesShmChannel(const std::string& line);

// Whether a GPU model name is an NVLink (SXM / HGX) class data-centre part: A100, A800, H100, H800, H200,
// H20, B200, B300, GB200, GB300, and not a PCIe card ("PCIe" in its name).
bool NvlinkClassGpuModel(const std::string& model);

// The first line of `lines` that StatesP2pDisabledByEnv, where another line StatesShmChannel; nullopt
// otherwise.
std::optional<size_t> FindP2pDisabledByEnv(const std::vector<std::string>& lines);

}  // namespace vigil
