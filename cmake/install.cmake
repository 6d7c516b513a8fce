# cmake --install: the static and shared library, the public headers, the CMake package
# (find_package(ganhpo) gives ganhpo::ganhpo, shared, and ganhpo::ganhpo_static), a
# pkg-config file, and the ganhpo program.
include(CMakePackageConfigHelpers)

install(TARGETS ganhpo ganhpo_shared EXPORT ganhpoTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ganhpo_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ganhpo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(GANHPO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ganhpo)
install(EXPORT ganhpoTargets NAMESPACE ganhpo:: FILE ganhpoTargets.cmake
        DESTINATION ${GANHPO_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ganhpoConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/ganhpoConfig.cmake
                              INSTALL_DESTINATION ${GANHPO_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ganhpoConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ganhpoConfig.cmake
              ${PROJECT_BINARY_DIR}/ganhpoConfigVersion.cmake
        DESTINATION ${GANHPO_CMAKE_DIR})

file(RELATIVE_PATH GANHPO_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(${PROJECT_SOURCE_DIR}/cmake/ganhpo.pc.in ${PROJECT_BINARY_DIR}/ganhpo.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ganhpo.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
