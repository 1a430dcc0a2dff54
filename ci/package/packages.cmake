# The Debian packages, one per component: `cpack -G DEB --config <build>/CPackConfig.cmake` makes
#   registrator_7.4.0+cpp-1_amd64.deb           (ci/package/registrator_deb.cmake)
#   registrator-harness_7.4.0+cpp-1_amd64.deb   (ci/package/harness_deb.cmake)
# Included from the top-level CMakeLists.txt after every program's directory (install(TARGETS)
# needs the targets to exist); these are the project's only install rules.
include(${CMAKE_SOURCE_DIR}/ci/package/registrator_deb.cmake)
include(${CMAKE_SOURCE_DIR}/ci/package/harness_deb.cmake)

# cpack installs through the `preinstall` target, which would otherwise build everything that is
# out of date first (a package test would start a build in the middle of a test run).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "install/package do not build `all` first")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME registrator)
# v7.4.0-cpp as a Debian version: the "-" would start the Debian revision.
set(CPACK_PACKAGE_VERSION 7.4.0+cpp)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_CONTACT "registrator-cpp maintainers <registrator-cpp@localhost>")
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put that one summary above both packages'
# descriptions; without it each description's first line is its package's summary.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL registrator harness)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
