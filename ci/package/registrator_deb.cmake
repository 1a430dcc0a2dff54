# The Debian package of registrator: `cpack -G DEB --config <build>/CPackConfig.cmake`.
#   /usr/bin/registrator                    the binary (stripped; Depends: from dpkg-shlibdeps)
#   /lib/systemd/system/registrator.service After=docker.service, Restart=on-failure,
#                                           EnvironmentFile=/etc/default/registrator
#   /etc/default/registrator                DOCKER_HOST, REGISTRY_URI, REGISTRATOR_OPTS (a conffile:
#                                           upgrades keep the admin's edits)
#   /usr/share/doc/registrator/README.md    flags, metadata, operations
# The service is not enabled or started by installing: it needs the registry URI first.
# Included from registrator/CMakeLists.txt (these are the project's only install rules).
install(TARGETS registrator RUNTIME DESTINATION bin)
install(FILES ${CMAKE_SOURCE_DIR}/ci/package/registrator.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/ci/package/registrator.default DESTINATION /etc/default RENAME registrator)
install(FILES ${CMAKE_SOURCE_DIR}/registrator/README.md DESTINATION share/doc/registrator)

# cpack installs through the `preinstall` target, which would otherwise build everything that is
# out of date first (a package test would start a build in the middle of a test run).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "install/package do not build `all` first")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME registrator)
# v7.4.0-cpp as a Debian version: the "-" would start the Debian revision.
set(CPACK_PACKAGE_VERSION 7.4.0+cpp)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_CONTACT "registrator-cpp maintainers <registrator-cpp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "registers Docker containers' services in Consul, etcd or SkyDNS2")
# The long description (CPack puts the summary above it).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "A C++ replacement for gliderlabs/registrator v7.4.0: the same flags,
container metadata and registrations; it watches the Docker engine's events and keeps the
registry in step.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "docker.io | docker-ce")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/ci/package/conffiles)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
