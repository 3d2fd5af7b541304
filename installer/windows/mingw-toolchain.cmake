# CMake toolchain for the Windows x64 cross-build on Debian (mingw-w64, POSIX thread model, so std::thread works).
# Used by tools/cross-build-windows.sh for the dependencies and for Settlebridge itself. SETTLEBRIDGE_WIN_PREFIX
# (environment or -D) is the folder holding the cross-built OpenSSL, Poco, SQLite, tinyxml2 and gSOAP runtime.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_triple}-windres)
set(CMAKE_MC_COMPILER ${_triple}-windmc)   # Poco's message compiler (Foundation's pocomsg.mc)
set(CMAKE_AR ${_triple}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_triple}-ranlib CACHE FILEPATH "")

if(NOT SETTLEBRIDGE_WIN_PREFIX AND DEFINED ENV{SETTLEBRIDGE_WIN_PREFIX})
  set(SETTLEBRIDGE_WIN_PREFIX "$ENV{SETTLEBRIDGE_WIN_PREFIX}")
endif()
set(CMAKE_FIND_ROOT_PATH /usr/${_triple} ${SETTLEBRIDGE_WIN_PREFIX})
# Programs (wsdl2h, soapcpp2, python3) are the host's; headers, libraries and packages only the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Everything is linked statically: one .exe, no DLLs to ship beside it.
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# What static OpenSSL and Poco need from Windows, at the end of every link line.
set(CMAKE_C_STANDARD_LIBRARIES "-lws2_32 -liphlpapi -lcrypt32 -lbcrypt -luser32 -ladvapi32" CACHE STRING "")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lws2_32 -liphlpapi -lcrypt32 -lbcrypt -luser32 -ladvapi32" CACHE STRING "")
