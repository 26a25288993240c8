#pragma once
// SIGINT/SIGTERM for the runner: a flag and a pipe that wakes the traffic loop, both
// async-signal-safe, so teardown happens in normal code rather than in a handler.
namespace sc {

void install_interrupt_handlers();
bool interrupted();
int interrupt_wake_fd();  // readable after a signal; -1 before install
int interrupt_signal();   // the signal received, 0 if none

}  // namespace sc
