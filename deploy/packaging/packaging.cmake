# Install rules and the Debian package of edgehub (cpack -G DEB in the build
# directory, or deploy/package.sh). What goes where:
#   /usr/bin/hubd, hubctl, firmware-sim, edgehub-linux-device
#   /usr/share/edgehub/backup.sh, restore.sh       online backup, restore
#   /usr/share/edgehub/openapi.json                 the REST API (also GET /api/v1/openapi.json)
#   /usr/share/edgehub/grafana-dashboard.json       the dashboard for GET /metrics
#   /usr/lib/edgehub/libedgehub_mosquitto_auth.so   the broker plugin
#   /usr/lib/systemd/system/edgehub-hubd.service    runs hubd as user edgehub
#   /etc/edgehub/hubd.toml                          every hubd option, commented
#   /etc/logrotate.d/edgehub                        rotates the broker's log
#   /usr/lib/libedgehub_device_sdk*.a, /usr/include/edgehub/...  the device SDK
#   /usr/lib/cmake/edgehub-device-sdk/, /usr/lib/pkgconfig/edgehub-device-sdk.pc
include(GNUInstallDirs)
set(EDGEHUB_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})

install(TARGETS hubd hubctl firmware-sim edgehub-linux-device
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/deploy/backup.sh ${PROJECT_SOURCE_DIR}/deploy/restore.sh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/edgehub)
install(FILES ${PROJECT_SOURCE_DIR}/docs/openapi.json DESTINATION ${CMAKE_INSTALL_DATADIR}/edgehub)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/grafana/edgehub.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/edgehub RENAME grafana-dashboard.json)
install(TARGETS edgehub_mosquitto_auth LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/edgehub)
install(FILES ${EDGEHUB_PACKAGING_DIR}/edgehub-hubd.service
        DESTINATION lib/systemd/system)

# The sample configuration: hubd's own description of every option (so that
# it cannot fall behind hubd --help), all commented out but the data dir.
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/hubd.toml
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND $<TARGET_FILE:hubd> --print-config-sample > ${CMAKE_BINARY_DIR}/packaging/hubd.toml
  DEPENDS hubd
  COMMENT "hubd.toml: the sample configuration")
add_custom_target(edgehub_sample_config ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/hubd.toml)
install(FILES ${CMAKE_BINARY_DIR}/packaging/hubd.toml DESTINATION /etc/edgehub)
install(FILES ${EDGEHUB_PACKAGING_DIR}/edgehub.logrotate DESTINATION /etc/logrotate.d
        RENAME edgehub)

# The device SDK for firmware built elsewhere: static libraries, headers, a
# CMake package (find_package(edgehub-device-sdk)) and a pkg-config file.
install(TARGETS edgehub_topics edgehub_device_sdk edgehub_device_sdk_posix
        EXPORT edgehub-device-sdk ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/device-sdk/include/
                  ${PROJECT_SOURCE_DIR}/device-sdk/port/posix/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/common/include/edgehub/protocol/topics.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/edgehub/protocol)
install(EXPORT edgehub-device-sdk NAMESPACE edgehub::
        FILE edgehub-device-sdk-targets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/edgehub-device-sdk)
configure_file(${EDGEHUB_PACKAGING_DIR}/edgehub-device-sdk-config.cmake.in
               ${CMAKE_BINARY_DIR}/packaging/edgehub-device-sdk-config.cmake @ONLY)
configure_file(${EDGEHUB_PACKAGING_DIR}/edgehub-device-sdk.pc.in
               ${CMAKE_BINARY_DIR}/packaging/edgehub-device-sdk.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/edgehub-device-sdk-config.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/edgehub-device-sdk)
install(FILES ${CMAKE_BINARY_DIR}/packaging/edgehub-device-sdk.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME edgehub)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "edgehub maintainers <edgehub@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Edge IoT hub: device identity, durable telemetry streams, commands")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "mosquitto (>= 2.0), adduser")
# backup.sh: the sqlite3 shell (online backup) and openssl (key checks).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3, openssl")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${EDGEHUB_PACKAGING_DIR}/postinst ${EDGEHUB_PACKAGING_DIR}/prerm
    ${EDGEHUB_PACKAGING_DIR}/postrm ${EDGEHUB_PACKAGING_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
include(CPack)
