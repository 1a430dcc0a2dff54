# The `registrator-harness` package (component harness of ci/package/packages.cmake), for users
# who want to test a registrator (this one or upstream's) without a Docker engine or a Consul:
#   /usr/bin/fake-docker, /usr/bin/fake-consul, /usr/bin/regsim
#   /usr/share/registrator-harness/scenarios/*.json   the shipped scenarios (regsim run ...)
#   /usr/share/registrator-harness/scenarios/compose/  the compose files their compose_up steps read
#   /usr/share/doc/registrator-harness/{fake-docker,fake-consul,regsim}.md
# regsim looks for registrator beside itself (/usr/bin), where the registrator package puts it;
# the two packages share no file.
install(TARGETS fake-docker fake-consul regsim RUNTIME DESTINATION bin COMPONENT harness)
file(GLOB _reg_scenarios ${CMAKE_SOURCE_DIR}/scenarios/*.json)
install(FILES ${_reg_scenarios} DESTINATION share/registrator-harness/scenarios COMPONENT harness)
file(GLOB _reg_compose_files ${CMAKE_SOURCE_DIR}/scenarios/compose/*.yml)
install(FILES ${_reg_compose_files} DESTINATION share/registrator-harness/scenarios/compose COMPONENT harness)
install(FILES ${CMAKE_SOURCE_DIR}/fakes/docker/README.md DESTINATION share/doc/registrator-harness
        RENAME fake-docker.md COMPONENT harness)
install(FILES ${CMAKE_SOURCE_DIR}/fakes/consul/README.md DESTINATION share/doc/registrator-harness
        RENAME fake-consul.md COMPONENT harness)
install(FILES ${CMAKE_SOURCE_DIR}/scenarios/README.md DESTINATION share/doc/registrator-harness
        RENAME regsim.md COMPONENT harness)

set(CPACK_DEBIAN_HARNESS_PACKAGE_NAME registrator-harness)
set(CPACK_DEBIAN_HARNESS_DESCRIPTION "fake Docker engine, fake Consul and scenario runner for registrator
fake-docker serves the Docker Engine API on a unix socket, fake-consul the
Consul HTTP API, DNS interface and web UI; regsim replays scenario files
against registrator with them. The shipped scenarios are in
/usr/share/registrator-harness/scenarios.")
set(CPACK_DEBIAN_HARNESS_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_HARNESS_PACKAGE_RECOMMENDS registrator)
