# The `registrator` package (component registrator of ci/package/packages.cmake):
#   /usr/bin/registrator                    the binary (stripped; Depends: from dpkg-shlibdeps)
#   /lib/systemd/system/registrator.service After=docker.service, Restart=on-failure,
#                                           EnvironmentFile=/etc/default/registrator
#   /etc/default/registrator                DOCKER_HOST, REGISTRY_URI, REGISTRATOR_OPTS (a conffile:
#                                           upgrades keep the admin's edits)
#   /usr/share/doc/registrator/README.md    flags, metadata, operations
# The service is not enabled or started by installing: it needs the registry URI first.
install(TARGETS registrator RUNTIME DESTINATION bin COMPONENT registrator)
install(FILES ${CMAKE_SOURCE_DIR}/ci/package/registrator.service DESTINATION /lib/systemd/system
        COMPONENT registrator)
install(FILES ${CMAKE_SOURCE_DIR}/ci/package/registrator.default DESTINATION /etc/default RENAME registrator
        COMPONENT registrator)
install(FILES ${CMAKE_SOURCE_DIR}/registrator/README.md DESTINATION share/doc/registrator COMPONENT registrator)

set(CPACK_DEBIAN_REGISTRATOR_PACKAGE_NAME registrator)
# The first line is the package's summary.
set(CPACK_DEBIAN_REGISTRATOR_DESCRIPTION "registers Docker containers' services in Consul, etcd or SkyDNS2
A C++ replacement for gliderlabs/registrator v7.4.0: the same flags,
container metadata and registrations; it watches the Docker engine's events and keeps the
registry in step.")
set(CPACK_DEBIAN_REGISTRATOR_PACKAGE_SECTION net)
set(CPACK_DEBIAN_REGISTRATOR_PACKAGE_RECOMMENDS "docker.io | docker-ce")
set(CPACK_DEBIAN_REGISTRATOR_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/ci/package/conffiles)
