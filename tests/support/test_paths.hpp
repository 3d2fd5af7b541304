#pragma once
// Where a unit test finds the checkout, the build tree and the python interpreter.
//
// The values are compiled into one generated file (tests/support/test_paths.cpp.in, configured into the build tree)
// and not into every test's compile flags: a path in the flags changes each test object's hash, so ccache could not
// share the objects between two checkouts of the same commit (worktrees, a fresh clone beside the usual one).

namespace settlebridge::test {

/// The checkout the tests were configured from (PROJECT_SOURCE_DIR).
const char* sourceDir();
/// The build tree (PROJECT_BINARY_DIR).
const char* binaryDir();
/// The python3 the build found (Debian's /usr/bin/python3 first).
const char* python();

}  // namespace settlebridge::test

#define SETTLEBRIDGE_SOURCE_DIR (::settlebridge::test::sourceDir())
#define SETTLEBRIDGE_BINARY_DIR (::settlebridge::test::binaryDir())
#define SETTLEBRIDGE_PYTHON (::settlebridge::test::python())
