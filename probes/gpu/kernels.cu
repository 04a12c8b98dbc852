#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "probes/gpu/kernels.h"

namespace vigil_probe {
namespace {

__host__ __device__ inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

__device__ inline float UnitValue(uint64_t seed, size_t i) {
  uint64_t h = SplitMix64(seed ^ SplitMix64(i));
  return static_cast<float>((h >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;  // [-1, 1)
}

__device__ inline float Load(const void* p, size_t i, ElemType t) {
  switch (t) {
    case ElemType::kF32:
      return static_cast<const float*>(p)[i];
    case ElemType::kF16:
      return __half2float(static_cast<const __half*>(p)[i]);
    case ElemType::kBf16:
      return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
    case ElemType::kFp8E4m3:
      return static_cast<float>(static_cast<const __nv_fp8_e4m3*>(p)[i]);
  }
  return 0;
}

__global__ void FillRandomKernel(void* data, size_t n, ElemType t, uint64_t seed) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    float v = UnitValue(seed, i);
    switch (t) {
      case ElemType::kF32:
        static_cast<float*>(data)[i] = v;
        break;
      case ElemType::kF16:
        static_cast<__half*>(data)[i] = __float2half(v);
        break;
      case ElemType::kBf16:
        static_cast<__nv_bfloat16*>(data)[i] = __float2bfloat16(v);
        break;
      case ElemType::kFp8E4m3:
        static_cast<__nv_fp8_e4m3*>(data)[i] = __nv_fp8_e4m3(v);
        break;
    }
  }
}

__global__ void GemmReferenceKernel(const void* a, const void* b, const void* d, ElemType ab, ElemType dt,
                                    bool at, int m, int n, int k, int samples, uint64_t seed, double* out) {
  int s = blockIdx.x;
  if (s >= samples) return;
  uint64_t h = SplitMix64(seed + s);
  int row = static_cast<int>(h % m);
  int col = static_cast<int>((h >> 32) % n);
  __shared__ double partial[256];
  double acc = 0;
  for (int kk = threadIdx.x; kk < k; kk += blockDim.x) {
    // "T": A is k x m, op(A)[row, kk] = A[kk + row * k]; "N": A is m x k, op(A)[row, kk] = A[row + kk * m].
    size_t ai = at ? kk + static_cast<size_t>(row) * k : row + static_cast<size_t>(kk) * m;
    acc += static_cast<double>(Load(a, ai, ab)) *
           static_cast<double>(Load(b, kk + static_cast<size_t>(col) * k, ab));
  }
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w /= 2) {
    if (threadIdx.x < w) partial[threadIdx.x] += partial[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    out[2 * s] = partial[0];
    out[2 * s + 1] = Load(d, row + static_cast<size_t>(col) * m, dt);
  }
}

constexpr int kCopyThreads = 256;
constexpr int kCopyUnroll = 4;

__global__ void CopyKernel(const int4* __restrict__ src, int4* __restrict__ dst, size_t n) {
  size_t base = blockIdx.x * static_cast<size_t>(kCopyThreads * kCopyUnroll) + threadIdx.x;
  int4 v[kCopyUnroll];
#pragma unroll
  for (int u = 0; u < kCopyUnroll; ++u) {
    size_t i = base + static_cast<size_t>(u) * kCopyThreads;
    if (i < n) v[u] = src[i];
  }
#pragma unroll
  for (int u = 0; u < kCopyUnroll; ++u) {
    size_t i = base + static_cast<size_t>(u) * kCopyThreads;
    if (i < n) dst[i] = v[u];
  }
}

__global__ void TriadKernel(float4* __restrict__ a, const float4* __restrict__ b,
                            const float4* __restrict__ c, float s, size_t n) {
  size_t base = blockIdx.x * static_cast<size_t>(kCopyThreads * kCopyUnroll) + threadIdx.x;
  float4 vb[kCopyUnroll], vc[kCopyUnroll];
#pragma unroll
  for (int u = 0; u < kCopyUnroll; ++u) {
    size_t i = base + static_cast<size_t>(u) * kCopyThreads;
    if (i < n) {
      vb[u] = b[i];
      vc[u] = c[i];
    }
  }
#pragma unroll
  for (int u = 0; u < kCopyUnroll; ++u) {
    size_t i = base + static_cast<size_t>(u) * kCopyThreads;
    if (i < n)
      a[i] = make_float4(vb[u].x + s * vc[u].x, vb[u].y + s * vc[u].y, vb[u].z + s * vc[u].z,
                         vb[u].w + s * vc[u].w);
  }
}

__global__ void ChecksumKernel(const unsigned long long* data, size_t n, unsigned long long* out) {
  unsigned long long local = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    local += SplitMix64(data[i] ^ (i * 0xD6E8FEB86659FD93ULL));
  }
  for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
  if ((threadIdx.x & 31) == 0) atomicAdd(out, local);
}

__global__ void EmptyKernel() {}

__device__ inline float PatternValue(int rank, size_t i) {
  return static_cast<float>((i * 7 + static_cast<size_t>(rank) * 3) % 17);
}

__global__ void FillPatternKernel(float* data, size_t count, int rank) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    data[i] = PatternValue(rank, i);
  }
}

__global__ void CheckPatternKernel(const float* recv, size_t count, CheckMode mode, int rank, int nranks,
                                   size_t chunk, unsigned long long* errors) {
  unsigned long long bad = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    float expect = 0;
    switch (mode) {
      case CheckMode::kAllReduce:
        for (int r = 0; r < nranks; ++r) expect += PatternValue(r, i);
        break;
      case CheckMode::kAllGather:  // block r of the output is rank r's send buffer
        expect = PatternValue(static_cast<int>(i / chunk), i % chunk);
        break;
      case CheckMode::kReduceScatter:  // rank's block of the sum
        for (int r = 0; r < nranks; ++r) expect += PatternValue(r, static_cast<size_t>(rank) * chunk + i);
        break;
      case CheckMode::kAllToAll:  // block s came from rank s's block `rank`
        expect = PatternValue(static_cast<int>(i / chunk), static_cast<size_t>(rank) * chunk + i % chunk);
        break;
      case CheckMode::kSendRecv:  // from the previous rank in the ring
        expect = PatternValue((rank - 1 + nranks) % nranks, i);
        break;
    }
    if (recv[i] != expect) ++bad;
  }
  if (bad) atomicAdd(errors, bad);
}

__global__ void SpinKernel(long long cycles) {
  long long start = clock64();
  while (clock64() - start < cycles) {
  }
}

int GridFor(size_t n, int threads, int cap = 65535 * 8) {
  size_t blocks = (n + threads - 1) / threads;
  if (blocks < 1) blocks = 1;
  return static_cast<int>(blocks > static_cast<size_t>(cap) ? cap : blocks);
}

}  // namespace

cudaError_t LaunchFillRandom(void* data, size_t n, ElemType type, uint64_t seed, cudaStream_t stream) {
  FillRandomKernel<<<GridFor(n, 256, 1 << 16), 256, 0, stream>>>(data, n, type, seed);
  return cudaGetLastError();
}

cudaError_t LaunchGemmReference(const void* a, const void* b, const void* d, ElemType ab_type,
                                ElemType d_type, bool a_transposed, int m, int n, int k, int samples,
                                uint64_t seed, double* out, cudaStream_t stream) {
  GemmReferenceKernel<<<samples, 256, 0, stream>>>(a, b, d, ab_type, d_type, a_transposed, m, n, k, samples,
                                                   seed, out);
  return cudaGetLastError();
}

cudaError_t LaunchCopy(const void* src, void* dst, size_t bytes, cudaStream_t stream) {
  size_t n = bytes / 16;
  size_t per_block = static_cast<size_t>(kCopyThreads) * kCopyUnroll;
  unsigned blocks = static_cast<unsigned>((n + per_block - 1) / per_block);
  CopyKernel<<<blocks, kCopyThreads, 0, stream>>>(static_cast<const int4*>(src), static_cast<int4*>(dst), n);
  return cudaGetLastError();
}

cudaError_t LaunchTriad(float* a, const float* b, const float* c, float s, size_t n, cudaStream_t stream) {
  size_t n4 = n / 4;
  size_t per_block = static_cast<size_t>(kCopyThreads) * kCopyUnroll;
  unsigned blocks = static_cast<unsigned>((n4 + per_block - 1) / per_block);
  TriadKernel<<<blocks, kCopyThreads, 0, stream>>>(reinterpret_cast<float4*>(a),
                                                   reinterpret_cast<const float4*>(b),
                                                   reinterpret_cast<const float4*>(c), s, n4);
  return cudaGetLastError();
}

cudaError_t LaunchChecksum(const void* data, size_t bytes, unsigned long long* out, cudaStream_t stream) {
  size_t n = bytes / 8;
  ChecksumKernel<<<GridFor(n, 256, 4096), 256, 0, stream>>>(static_cast<const unsigned long long*>(data), n,
                                                            out);
  return cudaGetLastError();
}

cudaError_t LaunchEmpty(cudaStream_t stream) {
  EmptyKernel<<<1, 1, 0, stream>>>();
  return cudaGetLastError();
}

cudaError_t LaunchFillPattern(float* data, size_t count, int rank, cudaStream_t stream) {
  FillPatternKernel<<<GridFor(count, 256, 1 << 16), 256, 0, stream>>>(data, count, rank);
  return cudaGetLastError();
}

cudaError_t LaunchCheckPattern(const float* recv, size_t count, CheckMode mode, int rank, int nranks,
                               size_t chunk, unsigned long long* errors, cudaStream_t stream) {
  CheckPatternKernel<<<GridFor(count, 256, 1 << 14), 256, 0, stream>>>(recv, count, mode, rank, nranks,
                                                                       chunk ? chunk : 1, errors);
  return cudaGetLastError();
}

cudaError_t LaunchSpin(double ms, cudaStream_t stream) {
  int khz = 0;
  int dev = 0;
  cudaGetDevice(&dev);
  cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, dev);
  if (khz <= 0) khz = 1500000;
  SpinKernel<<<1, 1, 0, stream>>>(static_cast<long long>(ms * khz));
  return cudaGetLastError();
}

}  // namespace vigil_probe
