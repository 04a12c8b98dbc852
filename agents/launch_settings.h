// A job's bad launch settings as PyTorch 2.x prints them, found by running them on the H100 machine
// (probes/gpu/launch_env_demo.sh, probes/HISTORY.md run 57): each was misread before (run 57's
// answers in agents/HISTORY.md LS57). Pure functions, thread safe; lines over 4,000 bytes are not read.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// PyTorch's CUDA allocator rejecting PYTORCH_CUDA_ALLOC_CONF at CUDA init: "ValueError: Expected 'True'
// or 'False' at index 2 in ConfigTokenizer but got 'yes'" (2.x's parser), "Unrecognized CachingAllocator
// option: X" (older), or a line naming PYTORCH_CUDA_ALLOC_CONF beside "invalid" / "unrecognized".
bool StatesAllocatorConfigError(const std::string& line);

// c10d's "The IPv6 network addresses of (HOST, PORT) cannot be retrieved (gai error: -2 - Name or
// service not known)": the store / rendezvous host (MASTER_ADDR, --rdzv-endpoint) does not resolve.
// The host; "" for any other line (c10d's harmless "The hostname of the client socket cannot be
// retrieved. err=-3" included: that is the client's own name).
std::string UnresolvedStoreHost(const std::string& line);

// torch elastic's RendezvousTimeoutError: the agent's rendezvous did not gather --nnodes (or its
// minimum) in time: nodes that were never started, that cannot reach the endpoint, or that died.
bool StatesRendezvousTimeout(const std::string& line);

// The line where CUDA said "out of memory" while a process created its CUDA context - the runtime
// error's text ("CUDA error: out of memory", cudaErrorMemoryAllocation) with torch.cuda.set_device,
// CUDA's lazy init or the driver's context calls in the 6 lines before it (the traceback) - and no
// line says an allocation failed ("Tried to allocate", PyTorch's OOM report). A context that cannot
// be made on a GPU with nothing else on it is a limit the launch put on the process (ulimit -v /
// RLIMIT_AS, a cgroup), not the model's memory. nullopt when none.
std::optional<size_t> FindContextCreationOom(const std::vector<std::string>& lines);

// LS59 (probes/gpu/version_env_demo.sh, probes/HISTORY.md run 59): the CUDA toolkit's stub libcuda
// loaded in place of the driver's (a build-time stubs directory left on LD_LIBRARY_PATH, an image that
// ships it): "CUDA driver is a stub library" (cudaErrorStubLibrary, CUDA_ERROR_STUB_LIBRARY, PyTorch's
// "Error 34: ..." from cudaGetDeviceCount).
bool StatesStubDriver(const std::string& line);

// LS59: what the job's image lacks, from Python's or the loader's error when the job starts: a module
// ("ModuleNotFoundError: No module named 'megatron'"), a name its version of a package does not have
// ("ImportError: cannot import name 'X' from 'Y'"), or a shared library ("ImportError: libcudnn.so.9:
// cannot open shared object file", "error while loading shared libraries: libX.so.1: ..."). The error
// must open the message (after a "[rank0]:" / "[default0]:" / srun "0:" label); the missing name, or
// "" for any other line: optional imports that frameworks report and fall back from ("not importable
// (No module named ...); falling back", NCCL's "NET/Plugin ... cannot open shared object file") are
// no errors.
std::string MissingFromImage(const std::string& line);

}  // namespace vigil
