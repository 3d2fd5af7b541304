# Hardened binaries, the way Debian builds its packages (dpkg-buildflags' defaults), so lintian has no hardening-*
# tag for the .deb and `hardening-check` passes on /usr/bin/settlebridge (installer/README.md):
#   -D_FORTIFY_SOURCE=2      checked variants of memcpy, sprintf, read... (needs optimisation: not in Debug builds)
#   -fstack-protector-strong stack canaries
#   -Wl,-z,relro -Wl,-z,now  read-only relocations, symbols bound at start (full RELRO)
#   PIE                      a position-independent executable (Debian's gcc makes one anyway; asked for here too)
#   -fstack-clash-protection, -fcf-protection (x86)   as dpkg-buildflags adds on amd64 (hardening-check's last two)
# Off by default, so development and benchmark builds keep their flags; the packaging build turns it on:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETTLEBRIDGE_HARDENING=ON
# Included from the top-level CMakeLists.txt before the areas, so it applies to every target. Linux only (the Windows
# cross-build links statically with mingw-w64 and has its own flags).
option(SETTLEBRIDGE_HARDENING "Build with Debian's hardening flags (fortify, stack protector, full RELRO, PIE)" OFF)

if(SETTLEBRIDGE_HARDENING)
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    message(STATUS "SETTLEBRIDGE_HARDENING: Linux only, ignored for ${CMAKE_SYSTEM_NAME}")
    return()
  endif()
  include(CheckPIESupported)
  check_pie_supported(LANGUAGES C CXX)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  # -U first: some compilers define _FORTIFY_SOURCE themselves, and a second definition would be a warning (-Werror).
  set(_optimised "$<CONFIG:Release,RelWithDebInfo,MinSizeRel>")
  add_compile_options("$<${_optimised}:-U_FORTIFY_SOURCE>" "$<${_optimised}:-D_FORTIFY_SOURCE=2>"
                      -fstack-protector-strong)
  add_link_options(LINKER:-z,relro LINKER:-z,now)
  include(CheckCXXCompilerFlag)
  foreach(_flag IN ITEMS -fstack-clash-protection -fcf-protection)
    string(MAKE_C_IDENTIFIER "SETTLEBRIDGE_HAS${_flag}" _var)
    check_cxx_compiler_flag(${_flag} ${_var})
    if(${_var})
      add_compile_options(${_flag})
    endif()
  endforeach()
  message(STATUS "SETTLEBRIDGE_HARDENING: fortify (optimised builds), stack protector, full RELRO, PIE, stack clash and CET where the compiler has them")
endif()
