// Shared doctest main for every module's test binary (kept out of the *.cc glob).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
