// The WDK-like shim of kernel_types_shim.c, as C++17.
#include "kernel_types_shim.c"
