// NVML through dlopen("libnvidia-ml.so.1"), so vigil-probe builds where only the CUDA toolkit is
// installed (no nvml.h, no driver) and runs where the driver is. Declares the few NVML types and
// constants it uses (values from NVML's public nvml.h; stable ABI).
// Thread safety: Load() once before use; the calls themselves are thread-safe per NVML.
#pragma once

#include <string>

namespace vigil_probe {

using nvmlDevice_t = struct nvmlDevice_st*;
using nvmlEventSet_t = struct nvmlEventSet_st*;
using nvmlReturn_t = int;
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr nvmlReturn_t kNvmlNotSupported = 3;
constexpr nvmlReturn_t kNvmlNotFound = 6;
constexpr nvmlReturn_t kNvmlInsufficientSize = 7;
constexpr nvmlReturn_t kNvmlTimeout = 10;
constexpr nvmlReturn_t kNvmlGpuIsLost = 15;
constexpr unsigned long long kNvmlEventTypeXidCriticalError = 0x8ULL;

struct NvmlMemory {
  unsigned long long total, free, used;
};
// nvmlProcessInfo_t / nvmlProcessInfo_v2_t (nvmlDeviceGetComputeRunningProcesses_v3 / _v2) and
// nvmlProcessInfo_v1_t (the unversioned call of older drivers).
struct NvmlProcessInfo {
  unsigned int pid;
  unsigned long long usedGpuMemory;  // kNvmlValueNotAvailable when the driver cannot say
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};
struct NvmlProcessInfoV1 {
  unsigned int pid;
  unsigned long long usedGpuMemory;
};
constexpr unsigned long long kNvmlValueNotAvailable = ~0ULL;
struct NvmlProcessUtilizationSample {
  unsigned int pid;
  unsigned long long timeStamp;  // CPU timestamp, microseconds since the epoch
  unsigned int smUtil, memUtil, encUtil, decUtil;
};
struct NvmlUtilization {
  unsigned int gpu, memory;
};
struct NvmlEventData {
  nvmlDevice_t device;
  unsigned long long eventType;
  unsigned long long eventData;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};

struct Nvml {
  bool loaded = false;
  std::string load_error;  // why NVML is unavailable, when !loaded
#define VIGIL_NVML_FN(name, ...) nvmlReturn_t (*name)(__VA_ARGS__) = nullptr;
  VIGIL_NVML_FN(nvmlInit_v2, void)
  VIGIL_NVML_FN(nvmlShutdown, void)
  VIGIL_NVML_FN(nvmlDeviceGetCount_v2, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetHandleByIndex_v2, unsigned int, nvmlDevice_t*)
  VIGIL_NVML_FN(nvmlDeviceGetHandleByPciBusId_v2, const char*, nvmlDevice_t*)
  VIGIL_NVML_FN(nvmlDeviceGetName, nvmlDevice_t, char*, unsigned int)
  VIGIL_NVML_FN(nvmlDeviceGetUUID, nvmlDevice_t, char*, unsigned int)
  VIGIL_NVML_FN(nvmlSystemGetDriverVersion, char*, unsigned int)
  VIGIL_NVML_FN(nvmlDeviceGetTotalEccErrors, nvmlDevice_t, int, int, unsigned long long*)
  VIGIL_NVML_FN(nvmlDeviceGetRetiredPages, nvmlDevice_t, int, unsigned int*, unsigned long long*)
  VIGIL_NVML_FN(nvmlDeviceGetRetiredPagesPendingStatus, nvmlDevice_t, int*)
  VIGIL_NVML_FN(nvmlDeviceGetRemappedRows, nvmlDevice_t, unsigned int*, unsigned int*, unsigned int*,
                unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetCurrentClocksEventReasons, nvmlDevice_t, unsigned long long*)
  VIGIL_NVML_FN(nvmlDeviceGetCurrentClocksThrottleReasons, nvmlDevice_t, unsigned long long*)
  VIGIL_NVML_FN(nvmlDeviceGetTemperature, nvmlDevice_t, int, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetPowerUsage, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetEnforcedPowerLimit, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetCurrPcieLinkGeneration, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetMaxPcieLinkGeneration, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetCurrPcieLinkWidth, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetMaxPcieLinkWidth, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetPcieReplayCounter, nvmlDevice_t, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetNvLinkState, nvmlDevice_t, unsigned int, int*)
  VIGIL_NVML_FN(nvmlDeviceGetNvLinkErrorCounter, nvmlDevice_t, unsigned int, int, unsigned long long*)
  VIGIL_NVML_FN(nvmlDeviceGetPersistenceMode, nvmlDevice_t, int*)
  VIGIL_NVML_FN(nvmlDeviceGetMigMode, nvmlDevice_t, unsigned int*, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetMaxClockInfo, nvmlDevice_t, int, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetClockInfo, nvmlDevice_t, int, unsigned int*)
  VIGIL_NVML_FN(nvmlDeviceGetMemoryInfo, nvmlDevice_t, NvmlMemory*)
  VIGIL_NVML_FN(nvmlDeviceGetComputeRunningProcesses_v3, nvmlDevice_t, unsigned int*, NvmlProcessInfo*)
  VIGIL_NVML_FN(nvmlDeviceGetComputeRunningProcesses_v2, nvmlDevice_t, unsigned int*, NvmlProcessInfo*)
  VIGIL_NVML_FN(nvmlDeviceGetComputeRunningProcesses, nvmlDevice_t, unsigned int*, NvmlProcessInfoV1*)
  VIGIL_NVML_FN(nvmlDeviceGetProcessUtilization, nvmlDevice_t, NvmlProcessUtilizationSample*, unsigned int*,
                unsigned long long)
  VIGIL_NVML_FN(nvmlDeviceGetUtilizationRates, nvmlDevice_t, NvmlUtilization*)
  VIGIL_NVML_FN(nvmlEventSetCreate, nvmlEventSet_t*)
  VIGIL_NVML_FN(nvmlDeviceRegisterEvents, nvmlDevice_t, unsigned long long, nvmlEventSet_t)
  VIGIL_NVML_FN(nvmlEventSetWait_v2, nvmlEventSet_t, NvmlEventData*, unsigned int)
  VIGIL_NVML_FN(nvmlEventSetFree, nvmlEventSet_t)
#undef VIGIL_NVML_FN
  const char* (*nvmlErrorString)(nvmlReturn_t) = nullptr;

  // Opens the library and calls nvmlInit_v2. Functions missing from an older driver stay null.
  bool Load();
  std::string Error(nvmlReturn_t r) const;
};

// Decodes a clock-event (throttle) reason bit mask into names ("sw_power_cap hw_slowdown").
std::string DecodeClockEventReasons(unsigned long long mask);

}  // namespace vigil_probe
