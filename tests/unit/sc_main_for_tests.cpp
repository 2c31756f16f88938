// libsystemc refers to sc_main; the test binaries have GoogleTest's main instead
// and drive the kernel with sc_start directly, so this one is never called.
#include <systemc>

int sc_main(int, char**) { return 0; }
