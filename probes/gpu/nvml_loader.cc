#include "probes/gpu/nvml_loader.h"

#include <dlfcn.h>

namespace vigil_probe {

bool Nvml::Load() {
  void* h = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* e = dlerror();
    load_error = std::string("cannot load libnvidia-ml.so.1 (no NVIDIA driver?): ") + (e ? e : "");
    return false;
  }
#define VIGIL_NVML_SYM(name) name = reinterpret_cast<decltype(name)>(dlsym(h, #name));
  VIGIL_NVML_SYM(nvmlInit_v2)
  VIGIL_NVML_SYM(nvmlShutdown)
  VIGIL_NVML_SYM(nvmlDeviceGetCount_v2)
  VIGIL_NVML_SYM(nvmlDeviceGetHandleByIndex_v2)
  VIGIL_NVML_SYM(nvmlDeviceGetHandleByPciBusId_v2)
  VIGIL_NVML_SYM(nvmlDeviceGetName)
  VIGIL_NVML_SYM(nvmlDeviceGetUUID)
  VIGIL_NVML_SYM(nvmlSystemGetDriverVersion)
  VIGIL_NVML_SYM(nvmlDeviceGetTotalEccErrors)
  VIGIL_NVML_SYM(nvmlDeviceGetRetiredPages)
  VIGIL_NVML_SYM(nvmlDeviceGetRetiredPagesPendingStatus)
  VIGIL_NVML_SYM(nvmlDeviceGetRemappedRows)
  VIGIL_NVML_SYM(nvmlDeviceGetCurrentClocksEventReasons)
  VIGIL_NVML_SYM(nvmlDeviceGetCurrentClocksThrottleReasons)
  VIGIL_NVML_SYM(nvmlDeviceGetTemperature)
  VIGIL_NVML_SYM(nvmlDeviceGetPowerUsage)
  VIGIL_NVML_SYM(nvmlDeviceGetEnforcedPowerLimit)
  VIGIL_NVML_SYM(nvmlDeviceGetCurrPcieLinkGeneration)
  VIGIL_NVML_SYM(nvmlDeviceGetMaxPcieLinkGeneration)
  VIGIL_NVML_SYM(nvmlDeviceGetCurrPcieLinkWidth)
  VIGIL_NVML_SYM(nvmlDeviceGetMaxPcieLinkWidth)
  VIGIL_NVML_SYM(nvmlDeviceGetPcieReplayCounter)
  VIGIL_NVML_SYM(nvmlDeviceGetNvLinkState)
  VIGIL_NVML_SYM(nvmlDeviceGetNvLinkErrorCounter)
  VIGIL_NVML_SYM(nvmlDeviceGetPersistenceMode)
  VIGIL_NVML_SYM(nvmlDeviceGetMigMode)
  VIGIL_NVML_SYM(nvmlDeviceGetMaxClockInfo)
  VIGIL_NVML_SYM(nvmlDeviceGetClockInfo)
  VIGIL_NVML_SYM(nvmlDeviceGetMemoryInfo)
  VIGIL_NVML_SYM(nvmlDeviceGetComputeRunningProcesses_v3)
  VIGIL_NVML_SYM(nvmlDeviceGetComputeRunningProcesses_v2)
  VIGIL_NVML_SYM(nvmlDeviceGetComputeRunningProcesses)
  VIGIL_NVML_SYM(nvmlDeviceGetProcessUtilization)
  VIGIL_NVML_SYM(nvmlDeviceGetUtilizationRates)
  VIGIL_NVML_SYM(nvmlEventSetCreate)
  VIGIL_NVML_SYM(nvmlDeviceRegisterEvents)
  VIGIL_NVML_SYM(nvmlEventSetWait_v2)
  VIGIL_NVML_SYM(nvmlEventSetFree)
  VIGIL_NVML_SYM(nvmlErrorString)
#undef VIGIL_NVML_SYM
  if (nvmlInit_v2 == nullptr || nvmlDeviceGetHandleByPciBusId_v2 == nullptr) {
    load_error = "libnvidia-ml.so.1 lacks nvmlInit_v2 / nvmlDeviceGetHandleByPciBusId_v2 (driver too old)";
    return false;
  }
  nvmlReturn_t r = nvmlInit_v2();
  if (r != kNvmlSuccess) {
    load_error = "nvmlInit failed: " + Error(r);
    return false;
  }
  loaded = true;
  return true;
}

std::string Nvml::Error(nvmlReturn_t r) const {
  if (nvmlErrorString != nullptr) return nvmlErrorString(r);
  return "NVML error " + std::to_string(r);
}

std::string DecodeClockEventReasons(unsigned long long mask) {
  static const struct {
    unsigned long long bit;
    const char* name;
  } kReasons[] = {
      {0x1ULL, "gpu_idle"},
      {0x2ULL, "applications_clocks_setting"},
      {0x4ULL, "sw_power_cap"},
      {0x8ULL, "hw_slowdown"},
      {0x10ULL, "sync_boost"},
      {0x20ULL, "sw_thermal_slowdown"},
      {0x40ULL, "hw_thermal_slowdown"},
      {0x80ULL, "hw_power_brake_slowdown"},
      {0x100ULL, "display_clock_setting"},
  };
  std::string out;
  for (const auto& r : kReasons) {
    if (mask & r.bit) {
      if (!out.empty()) out += ' ';
      out += r.name;
    }
  }
  return out.empty() ? "none" : out;
}

}  // namespace vigil_probe
