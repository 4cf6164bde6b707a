// Deliberately allocates: check_no_heap.cmake must reject this library, which
// proves that the check of the SDK core can fail.
#include <cstdlib>
#include <memory>

int* heap_check_canary_allocate() { return new int(42); }
void* heap_check_canary_malloc() { return std::malloc(16); }
