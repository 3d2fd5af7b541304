# Packaging (installer/README.md): the Linux system files next to the binary's own install rule
# (daemon/app/CMakeLists.txt), and CPack's Debian package: `cpack -G DEB` in the build tree.
# Included from the top-level CMakeLists.txt; Windows has its own MSI (tools/cross-build-windows.sh).
if(WIN32)
  # daemon/main.cpp's Windows entry point is wmain (UTF-16 arguments): mingw-w64 needs -municode for it.
  if(MINGW AND TARGET settlebridge)
    target_link_options(settlebridge PRIVATE -municode)
  endif()
  return()
endif()
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  return()
endif()

set(SETTLEBRIDGE_DEB_RELEASE "1" CACHE STRING "Debian revision of the .deb (the part after the version's dash)")
# The .deb's Maintainer field and the changelog's signature, "Name <address>": -DSETTLEBRIDGE_PACKAGE_MAINTAINER=..., else
# the environment variable of that name, else Debian's DEBFULLNAME and DEBEMAIL (as dch uses them), else the project's
# own address (the one its history is committed under). The environment is read at every configure.
set(SETTLEBRIDGE_PACKAGE_MAINTAINER "" CACHE STRING
    "The .deb's Maintainer field, Name <address> (empty: $SETTLEBRIDGE_PACKAGE_MAINTAINER, DEBFULLNAME/DEBEMAIL, the project's)")
if(SETTLEBRIDGE_PACKAGE_MAINTAINER STREQUAL "Settlebridge maintainers <maintainers@settlebridge.example>")
  set_property(CACHE SETTLEBRIDGE_PACKAGE_MAINTAINER PROPERTY VALUE "")  # the old placeholder default
endif()
if(NOT SETTLEBRIDGE_PACKAGE_MAINTAINER STREQUAL "")
  set(SETTLEBRIDGE_DEB_MAINTAINER "${SETTLEBRIDGE_PACKAGE_MAINTAINER}")
elseif(NOT "$ENV{SETTLEBRIDGE_PACKAGE_MAINTAINER}" STREQUAL "")
  set(SETTLEBRIDGE_DEB_MAINTAINER "$ENV{SETTLEBRIDGE_PACKAGE_MAINTAINER}")
elseif(NOT "$ENV{DEBFULLNAME}" STREQUAL "" AND NOT "$ENV{DEBEMAIL}" STREQUAL "")
  set(SETTLEBRIDGE_DEB_MAINTAINER "$ENV{DEBFULLNAME} <$ENV{DEBEMAIL}>")
else()
  set(SETTLEBRIDGE_DEB_MAINTAINER "Settlebridge developers <maintainers@users.noreply.h-seed-42be3dad.example>")
endif()
if(NOT SETTLEBRIDGE_DEB_MAINTAINER MATCHES "^[^<>@]*[^<>@ ] <[^<>@ ]+@[^<>@ ]+\\.[^<>@ ]+>$")
  message(FATAL_ERROR "the package maintainer must be \"Name <address>\" (got \"${SETTLEBRIDGE_DEB_MAINTAINER}\")")
endif()
set(SETTLEBRIDGE_VERSION "${PROJECT_VERSION}")
set(SETTLEBRIDGE_DEB_VERSION "${PROJECT_VERSION}-${SETTLEBRIDGE_DEB_RELEASE}")

# The changelog and the manual page, filled in and compressed the way Debian wants them (gzip -9n: no name, no
# time stamp, so the bytes only change when the text does).
set(_staging "${PROJECT_BINARY_DIR}/installer")
configure_file(${CMAKE_CURRENT_LIST_DIR}/linux/changelog.in ${_staging}/changelog.Debian @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/linux/settlebridge.1 ${_staging}/settlebridge.1 @ONLY)
find_program(SETTLEBRIDGE_GZIP gzip REQUIRED)
foreach(_file IN ITEMS changelog.Debian settlebridge.1)
  execute_process(COMMAND ${SETTLEBRIDGE_GZIP} -9nc ${_staging}/${_file}
                  OUTPUT_FILE ${_staging}/${_file}.gz RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "gzip ${_staging}/${_file} failed: ${_rc}")
  endif()
endforeach()

# System paths are absolute: they are the same whatever the install prefix (the .deb's prefix is /usr).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/linux/settlebridge.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/linux/settlebridge.properties DESTINATION /etc/settlebridge)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/linux/copyright ${_staging}/changelog.Debian.gz
              ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/DAEMON.md ${PROJECT_SOURCE_DIR}/docs/CLI.md
        DESTINATION share/doc/settlebridge)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/README.md DESTINATION share/doc/settlebridge RENAME README.Debian)
install(FILES ${_staging}/settlebridge.1.gz DESTINATION share/man/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME settlebridge)
set(CPACK_PACKAGE_VENDOR "Settlebridge")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${SETTLEBRIDGE_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Amazon settlement reports to QuickBooks Desktop")
set(CPACK_PACKAGE_DESCRIPTION "Settlebridge turns each Amazon settlement report into a sales receipt and a
credit memo for QuickBooks Desktop that reconcile to the bank deposit to the
cent, and posts them through the QuickBooks Web Connector exactly once. It
downloads settlement reports and per-product ad spend on schedules and has an
admin page on http://localhost:8080/.

This package runs it as a systemd service under its own system user, with its
data in /var/lib/settlebridge and its settings in /etc/settlebridge.")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE "${SETTLEBRIDGE_DEB_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries' packages come from dpkg-shlibdeps (dpkg-dev) on the binary; the postinst needs adduser
# (deb-systemd-helper and deb-systemd-invoke are in init-system-helpers, which is essential).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/linux/postinst ${CMAKE_CURRENT_LIST_DIR}/linux/prerm
    ${CMAKE_CURRENT_LIST_DIR}/linux/postrm ${CMAKE_CURRENT_LIST_DIR}/linux/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
