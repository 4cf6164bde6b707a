# EDGEHUB_UNITY_BUILD: the programs' libraries compiled as unity builds,
# several sources per compiler run. Most of a first build's time goes into
# parsing the same heavy headers (nlohmann/json, cpp-httplib, spdlog, CLI11,
# Paho) and generating the same template code once per source file; a unity
# batch does both once. deploy/configure.sh turns it on for a new build
# directory (the quick start, deploy/test.sh, CI); off, every source is
# compiled alone, which is what catches a source that misses an include, and
# what an edit-compile loop wants.
#
# Tests stay one source per program. The device SDK core and common/ are
# cheap to compile (no heavy headers), so they are left alone too.
option(EDGEHUB_UNITY_BUILD "Compile the hub, hubctl, firmware-sim and plugin libraries as unity builds" OFF)

if(EDGEHUB_UNITY_BUILD)
  set(edgehub_unity_targets
    edgehub_hubd_service edgehub_hubctl_core edgehub_mosquitto_auth_core
    edgehub_firmware_sim_logic firmware-sim edgehub_device_sdk_posix)
  # Every hub module library (hub/<module> builds edgehub_hub_<module>).
  file(GLOB edgehub_hub_dirs LIST_DIRECTORIES true RELATIVE ${PROJECT_SOURCE_DIR}/hub
       ${PROJECT_SOURCE_DIR}/hub/*)
  foreach(module IN LISTS edgehub_hub_dirs)
    list(APPEND edgehub_unity_targets edgehub_hub_${module})
  endforeach()
  foreach(target IN LISTS edgehub_unity_targets)
    if(TARGET ${target})
      # Batches of 8: a few compiler runs per library, enough of them to keep
      # two cores busy. Types from a source's anonymous namespace become
      # members of its classes' Impl: legal, but GCC warns about it once the
      # source is included in another file.
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
      target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
  endforeach()
  # Sources compiled alone: each defines a helper in an anonymous namespace
  # under the same name as another source of its library (journal: io_error,
  # checksum; api: parameter, view; commands: kMaxFromStates; hubctl:
  # text_of, time_of, field, invalid, of slightly different behaviour),
  # which one unity batch cannot hold twice.
  set(edgehub_unity_alone
    hub/journal/broker_journal_writer.cpp hub/journal/file_commit_attempts.cpp
    hub/api/stream_routes.cpp
    hub/commands/memory_command_store.cpp
    hub/hubctl/commands_cli.cpp hub/hubctl/routes_commands.cpp hub/hubctl/operators_cli.cpp
    hub/hubctl/device_hub_address.cpp)
  foreach(source IN LISTS edgehub_unity_alone)
    get_filename_component(folder ${PROJECT_SOURCE_DIR}/${source} DIRECTORY)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/${source}
      DIRECTORY ${folder} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endforeach()
endif()
