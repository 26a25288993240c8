#pragma once
// One thread's part of a drive() on the lean HTTP/1.1 client: one single-threaded io_context,
// one coroutine per concurrent session slot looping over its sessions' requests on its own
// keep-alive connection. The same records, hooks, pacing and stops as the libcurl loop.
#include "driver/drive_loop.hpp"

namespace sc::detail {

LoopResult run_lean_loop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
                         const LoopPart& part, DriveShared& shared);

}  // namespace sc::detail
