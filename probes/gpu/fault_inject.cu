// A deliberate application fault on a GPU, for probes/gpu/real_errors_demo.sh: what the CUDA
// runtime, the kernel log (the driver's Xid line) and vigil-probe's node.kernel_log say when a
// kernel writes to an address it does not own. An application fault: the driver tears down this
// process's context and the GPU keeps working for every other process (no reset).
//   fault_inject illegal-address [GPU]   # a kernel stores to an unmapped address
//   fault_inject trap [GPU]              # a kernel executes a trap instruction (__trap())
//   fault_inject ok [GPU]                # a kernel stores to its own buffer: no fault. Built for
//                                        # another GPU architecture only (fault_inject_sm80, SASS
//                                        # of sm_80 and no PTX), it shows what a CUDA program built
//                                        # for the wrong GPU prints on an H100 / H200.
// Prints each CUDA call's error as frameworks print it (name: string) and exits 1 when the fault
// was reported, 0 when it was not (which would be a finding for the faults), 2 on bad usage or when
// cudaSetDevice fails (a stub libcuda, no such GPU).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cuda_runtime.h>

__global__ void StoreTo(int* p) { *p = 42; }
__global__ void Trap() { __trap(); }

static bool Report(const char* what, cudaError_t e) {
  if (e == cudaSuccess) {
    std::printf("%s: cudaSuccess\n", what);
    return false;
  }
  std::printf("%s: %s: %s\n", what, cudaGetErrorName(e), cudaGetErrorString(e));
  return true;
}

int main(int argc, char** argv) {
  const bool known = argc >= 2 && (std::strcmp(argv[1], "illegal-address") == 0 || std::strcmp(argv[1], "trap") == 0 ||
                                   std::strcmp(argv[1], "ok") == 0);
  if (argc < 2 || argc > 3 || !known) {
    std::fprintf(stderr, "usage: fault_inject illegal-address|trap|ok [GPU]\n");
    return 2;
  }
  const int gpu = argc == 3 ? std::atoi(argv[2]) : 0;
  if (Report("cudaSetDevice", cudaSetDevice(gpu))) return 2;
  int* own = nullptr;
  if (std::strcmp(argv[1], "ok") == 0) {
    if (Report("cudaMalloc", cudaMalloc(&own, sizeof(int)))) return 1;
    StoreTo<<<1, 1>>>(own);
  } else if (std::strcmp(argv[1], "illegal-address") == 0) {
    StoreTo<<<1, 1>>>(reinterpret_cast<int*>(0xdead0000ull << 12));
  } else {
    Trap<<<1, 1>>>();
  }
  bool failed = Report("launch", cudaGetLastError());
  failed = Report("cudaDeviceSynchronize", cudaDeviceSynchronize()) || failed;
  if (own != nullptr) return failed ? 1 : 0;
  // The error is sticky: every later call of this context fails the same way.
  void* p = nullptr;
  failed = Report("cudaMalloc after the fault", cudaMalloc(&p, 1 << 20)) || failed;
  return failed ? 1 : 0;
}
