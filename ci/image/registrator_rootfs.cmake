# Stages the build context of the registrator image (registrator/Dockerfile, FROM scratch) in OUT:
#   OUT/Dockerfile                  a copy of registrator/Dockerfile
#   OUT/rootfs/bin/registrator      the binary, stripped
#   OUT/rootfs/<path>               every shared library it loads, at the path ldd resolves it to,
#                                   and the program interpreter at the path the binary names
#   OUT/rootfs/etc/ssl/certs/ca-certificates.crt
#                                   the host's CA bundle (consul-tls:// without CONSUL_CACERT
#                                   verifies against it, as upstream's image has ca-certificates)
#   OUT/image.env                   VERSION=... and REVISION=..., from the staged binary's --version,
#                                   for the image's OCI labels (ci/image/build-registrator-image)
# A dynamic binary plus its libraries rather than a static one: glibc resolves host names
# (consul://consul:8500) through NSS, which a static glibc binary cannot load.
#   cmake -DBINARY=<registrator> -DOUT=<dir> -DDOCKERFILE=<registrator/Dockerfile> [-DSTRIP=<strip>] -P this
cmake_minimum_required(VERSION 3.25)
foreach(var BINARY OUT DOCKERFILE)
  if(NOT ${var})
    message(FATAL_ERROR "registrator_rootfs.cmake: -D${var}=... is required")
  endif()
endforeach()

set(rootfs "${OUT}/rootfs")
file(REMOVE_RECURSE "${rootfs}")
file(MAKE_DIRECTORY "${rootfs}/bin")
file(COPY_FILE "${BINARY}" "${rootfs}/bin/registrator")
if(STRIP)
  execute_process(COMMAND ${STRIP} --strip-unneeded "${rootfs}/bin/registrator" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${STRIP} failed on ${rootfs}/bin/registrator")
  endif()
endif()

# ldd's lines: "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)", the interpreter as
# "/lib64/ld-linux-x86-64.so.2 (0x...)", the vDSO without a path, and "=> not found".
execute_process(COMMAND ldd "${BINARY}" OUTPUT_VARIABLE ldd_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${BINARY} failed: is it a dynamic executable for this machine?")
endif()
string(REPLACE "\n" ";" ldd_lines "${ldd_out}")
foreach(line IN LISTS ldd_lines)
  if(line MATCHES "not found")
    message(FATAL_ERROR "${BINARY} needs a library the host does not have: ${line}")
  endif()
  # Two if()s: if() evaluates both sides of an OR, and a failed MATCHES clears CMAKE_MATCH_1.
  set(lib "")
  if(line MATCHES "=> (/[^ ]+) \\(")
    set(lib "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^[ \t]*(/[^ ]+) \\(")
    set(lib "${CMAKE_MATCH_1}")
  endif()
  if(lib)
    file(REAL_PATH "${lib}" real)
    get_filename_component(dir "${lib}" DIRECTORY)
    file(MAKE_DIRECTORY "${rootfs}${dir}")
    file(COPY_FILE "${real}" "${rootfs}${lib}")
  endif()
endforeach()

if(EXISTS /etc/ssl/certs/ca-certificates.crt)
  file(MAKE_DIRECTORY "${rootfs}/etc/ssl/certs")
  file(COPY_FILE /etc/ssl/certs/ca-certificates.crt "${rootfs}/etc/ssl/certs/ca-certificates.crt")
else()
  message(WARNING "no /etc/ssl/certs/ca-certificates.crt (package ca-certificates): the image has no CA bundle")
endif()

file(COPY_FILE "${DOCKERFILE}" "${OUT}/Dockerfile")

# The labels say what the binary itself says, so they cannot disagree with `--version`.
execute_process(COMMAND "${rootfs}/bin/registrator" --version OUTPUT_VARIABLE version_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT version_out MATCHES "^([^\n]+)\ncommit ([^ \n]+)")
  message(FATAL_ERROR "the staged registrator --version failed or printed something else: ${version_out}")
endif()
file(WRITE "${OUT}/image.env" "VERSION='${CMAKE_MATCH_1}'\nREVISION='${CMAKE_MATCH_2}'\n")
