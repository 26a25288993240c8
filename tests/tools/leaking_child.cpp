// Built only in the sanitizer build: a program that leaks on purpose, so that a test can show
// that a sanitizer report from a test's child fails that test (tests/CMakeLists.txt).
#include <cstdio>

int* volatile kept;

int main() {
  kept = new int[16];
  kept = nullptr;  // the only pointer to the block is gone: LeakSanitizer reports it at exit
  std::puts("leaked");
  return 0;
}
