// The smallest start-up for running unit tests on QEMU's mps2-an386: a
// vector table whose reset entry hands over to newlib's semihosting crt0
// (librdimon: clears .bss, runs constructors, calls main, exits through
// semihosting with main's status). Faults end the run with status 3.
#include <cstdint>

extern "C" void _start();
extern "C" void _exit(int status);
extern "C" std::uint32_t __stack_top;

extern "C" [[noreturn]] void reset_handler() {
  _start();
  for (;;) {
  }
}

extern "C" [[noreturn]] void fault_handler() {
  _exit(3);
  for (;;) {
  }
}

using Handler = void (*)();
// Initial stack pointer, then reset, NMI, hard fault, memory management, bus
// and usage faults.
__attribute__((section(".isr_vector"), used)) const Handler vector_table[] = {
    reinterpret_cast<Handler>(&__stack_top), reset_handler, fault_handler, fault_handler,
    fault_handler, fault_handler, fault_handler};
