// Device kernels of vigil-probe behind plain host launchers (so the host code compiles with the
// C++ compiler). Every launcher enqueues on `stream` and returns the launch error; none
// synchronises. Element types: 0 = float, 1 = half, 2 = bfloat16, 3 = fp8 e4m3.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace vigil_probe {

enum class ElemType { kF32 = 0, kF16 = 1, kBf16 = 2, kFp8E4m3 = 3 };

// Fills `n` elements with deterministic pseudo-random values in [-1, 1] from `seed`.
cudaError_t LaunchFillRandom(void* data, size_t n, ElemType type, uint64_t seed, cudaStream_t stream);

// For `samples` (row, col) pairs drawn from `seed`, computes the reference dot product in double
// from A (a_transposed: k x m column-major used transposed, "T"; else m x k column-major, "N")
// and B (k x n, column-major) and stores it with
// the GEMM's D value (m x n column-major, type `d_type`) as pairs in out[2*s], out[2*s+1].
cudaError_t LaunchGemmReference(const void* a, const void* b, const void* d, ElemType ab_type,
                                ElemType d_type, bool a_transposed, int m, int n, int k, int samples,
                                uint64_t seed, double* out, cudaStream_t stream);

// dst = src over `bytes` (multiple of 16), 16-byte accesses, four loads in flight per thread.
cudaError_t LaunchCopy(const void* src, void* dst, size_t bytes, cudaStream_t stream);
// a = b + s * c over `n` floats (n multiple of 4).
cudaError_t LaunchTriad(float* a, const float* b, const float* c, float s, size_t n, cudaStream_t stream);

// Order-independent 64-bit checksum of `bytes` (multiple of 8): sum of mix(word_i, i), added into
// *out (caller zeroes it). Bit-exact for equal inputs.
cudaError_t LaunchChecksum(const void* data, size_t bytes, unsigned long long* out, cudaStream_t stream);

// An empty kernel, for launch latency.
cudaError_t LaunchEmpty(cudaStream_t stream);

// NCCL test patterns: value(rank, i) = (i * 7 + rank * 3) % 17, exact in float for sums of up to
// 2^20 ranks. Fill writes rank `rank`'s send buffer of `count` floats.
cudaError_t LaunchFillPattern(float* data, size_t count, int rank, cudaStream_t stream);
enum class CheckMode { kAllReduce = 0, kAllGather = 1, kReduceScatter = 2, kAllToAll = 3, kSendRecv = 4 };
// Counts elements of rank `rank`'s receive buffer (`count` floats) that differ from the expected
// result of the collective over `nranks` ranks (`chunk`: per-rank chunk for allgather /
// reducescatter / alltoall); adds the count into *errors.
cudaError_t LaunchCheckPattern(const float* recv, size_t count, CheckMode mode, int rank, int nranks,
                               size_t chunk, unsigned long long* errors, cudaStream_t stream);

// Spins on the device for about `ms` milliseconds (used by the watchdog self-test).
cudaError_t LaunchSpin(double ms, cudaStream_t stream);

}  // namespace vigil_probe
