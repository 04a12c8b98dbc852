#include "agents/no_gpu_visible.h"

#include <regex>

namespace vigil {

bool StatesNoCudaDevice(const std::string& line) {
  if (line.size() > 4000 || (line.find("CUDA") == std::string::npos && line.find("cuda") == std::string::npos)) return false;
  static const std::regex kNone(
      R"(\bNo CUDA GPUs are available\b|\bno CUDA-capable device is detected\b|\bcudaErrorNoDevice\b|\bCUDA_ERROR_NO_DEVICE\b)",
      std::regex::icase);
  return std::regex_search(line, kNone);
}

bool StatesNoGpuVisible(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kNoGpus(R"(\bonly supported with GPUs, no GPUs found\b)", std::regex::icase);
  return StatesNoCudaDevice(line) || std::regex_search(line, kNoGpus);
}

bool StatesGpuLost(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kLost(
      R"(\bXid\b[^\n]{0,40}?\b79\b|fallen off the bus|\bGPU is lost\b|\bRmInitAdapter failed\b|\bNo devices were found\b|Unable to determine the device handle)",
      std::regex::icase);
  return std::regex_search(line, kLost);
}

bool StatesDriverCannotServe(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kDriver(
      R"(driver on your system is too old|Found no NVIDIA driver on your system|driver version is insufficient for CUDA runtime|unsupported display driver ?/ ?cuda driver combination|cudaErrorInsufficientDriver|cudaErrorSystemDriverMismatch|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)",
      std::regex::icase);
  return std::regex_search(line, kDriver);
}

}  // namespace vigil
