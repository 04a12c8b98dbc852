// VIGIL_TARGET_CLONES("avx2", "default"): GCC's target_clones (one copy of the function per
// instruction set, the one for this CPU picked by an ifunc resolver when the binary is loaded),
// except under ThreadSanitizer, where it is nothing and the default copy alone is built. GCC
// instruments the resolver too, and the resolver runs during relocation, before TSan's runtime is
// up: every binary linking knowledge/ (knowledge_test, server_test, `vigil`) crashed before main
// (SIGSEGV in `Rotate [clone .resolver]`, sign_sketch.cc). The clones share one source body, so
// the TSan build still runs the same code, built for the base instruction set.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define VIGIL_TARGET_CLONES(...)
#else
#define VIGIL_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#endif
