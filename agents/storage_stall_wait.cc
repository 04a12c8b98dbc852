#include "agents/storage_stall_wait.h"

namespace vigil {

bool WaitLeftByStorageStall(std::string_view category) {
  return category == "nccl_collective_hang" || category == "straggler_rank" || category == "dataloader_stall";
}

}  // namespace vigil
