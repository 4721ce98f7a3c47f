# MemschedNetworks: whole-network AOT pipelines (generator `network`,
# generators/network_generator.cpp), one library per scheduler variant,
# collected in variant sets like the layer sets (cmake/MemschedVariants.cmake).
#
#   memsched_add_network_pipeline(SET set SPEC spec [VARIANTS v...] [TARGET t]
#                                 [PLUGIN_PARAMS k=v,...])
#       spec: NAME[:LAST_LAYER][@WxH], e.g. resnet18, vgg16:pool3,
#       tinyyolov2@67x45 (see generators/network_subset.h). The config is
#       the spec as a C identifier (vgg16_pool3). Then call
#       memsched_finish_variant_set(set) as for any set. PLUGIN_PARAMS go
#       to the MemSched variants as MEMSCHED_PARAMS (e.g. l2=256k,llc=256k
#       to plan for a simulated cache rather than this machine's).
#
# Variants meant for whole networks (registered here):
#   memsched            the plugin as it is (cross-layer fusion on when the
#                       plugin has it)
#   memschednofusion    the plugin with MEMSCHED_PARAMS=fusion=0 (layer by
#                       layer); identical to memsched while the plugin has no
#                       `fusion` key (a configure message says so)
#   memschedtraffic     the plugin with MEMSCHED_PARAMS=fusion_objective=traffic
#                       (groups chosen for bytes saved; opt-in: not in
#                       MEMSCHED_NETWORK_VARIANTS' default)
#   adams2019           greedy (HL_BEAM_SIZE=MEMSCHED_LAYER_SET_ADAMS2019_BEAM)
#   mullapudi2016
# Scheduling a whole network is slow (on the 2-core VM: MemSched 30-150 s
# CPU per network even at test sizes, Adams2019 ~25 s, Mullapudi2016 ~8 s),
# so every set of these is opt-in (bench/networks, tests/network_pipelines).
include_guard(GLOBAL)
include(MemschedVariants)

set(MEMSCHED_NETWORK_VARIANTS memsched memschednofusion adams2019 mullapudi2016
    CACHE STRING "Variants built for each whole-network pipeline")

if(TARGET memsched::MemSched)
  file(STRINGS ${PROJECT_SOURCE_DIR}/autoschedule/plugin_params.cpp _memsched_fusion_key REGEX "\"fusion\"")
  if(_memsched_fusion_key)
    memsched_register_variant(memschednofusion AUTOSCHEDULER memsched::MemSched
                              PARAMS ${MEMSCHED_MACHINE_PARAMS} env.MEMSCHED_PARAMS=fusion=0)
    # Groups chosen for the bytes they save (fusion_objective=traffic), not
    # in the default list: name it in a VARIANTS list to build it.
    memsched_register_variant(memschedtraffic AUTOSCHEDULER memsched::MemSched
                              PARAMS ${MEMSCHED_MACHINE_PARAMS}
                              env.MEMSCHED_PARAMS=fusion_objective=traffic)
  else()
    message(STATUS "memsched: the plugin has no fusion key yet; memschednofusion = memsched")
    memsched_register_variant(memschednofusion AUTOSCHEDULER memsched::MemSched
                              PARAMS ${MEMSCHED_MACHINE_PARAMS})
  endif()
endif()

#   memsched_network_spec(SPEC spec PARAMS out_params CONFIG out_config)
#       The generator parameters (network=... [last_layer=...]
#       [input_width=... input_height=...]) and the config name of a spec.
function(memsched_network_spec)
  cmake_parse_arguments(ARG "" "SPEC;PARAMS;CONFIG" "" ${ARGN})
  if(NOT ARG_SPEC MATCHES "^([A-Za-z0-9_]+)(:([A-Za-z0-9_./-]+))?(@([0-9]+)x([0-9]+))?$")
    message(FATAL_ERROR "memsched_add_network_pipeline: SPEC=${ARG_SPEC} is not NAME[:LAST_LAYER][@WxH]")
  endif()
  set(params network=${CMAKE_MATCH_1})
  if(CMAKE_MATCH_3)
    list(APPEND params last_layer=${CMAKE_MATCH_3})
  endif()
  if(CMAKE_MATCH_5)
    list(APPEND params input_width=${CMAKE_MATCH_5} input_height=${CMAKE_MATCH_6})
  endif()
  set(json ${PROJECT_SOURCE_DIR}/generators/networks/${CMAKE_MATCH_1}.json)
  if(NOT EXISTS ${json})
    message(FATAL_ERROR "memsched_add_network_pipeline: SPEC=${ARG_SPEC}: no network ${json}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${json})
  string(MAKE_C_IDENTIFIER "${ARG_SPEC}" config)
  set(${ARG_PARAMS} ${params} PARENT_SCOPE)
  set(${ARG_CONFIG} ${config} PARENT_SCOPE)
endfunction()

function(memsched_add_network_pipeline)
  cmake_parse_arguments(ARG "" "SET;SPEC;TARGET;PLUGIN_PARAMS" "VARIANTS" ${ARGN})
  memsched_network_spec(SPEC ${ARG_SPEC} PARAMS params CONFIG config)
  if(NOT ARG_VARIANTS)
    set(ARG_VARIANTS ${MEMSCHED_NETWORK_VARIANTS})
  endif()
  set(extra)
  if(ARG_TARGET)
    set(extra TARGET ${ARG_TARGET})
  endif()
  set(variant_params adams2019:env.HL_BEAM_SIZE=${MEMSCHED_LAYER_SET_ADAMS2019_BEAM})
  if(ARG_PLUGIN_PARAMS)
    # The last env.MEMSCHED_PARAMS wins: memschednofusion keeps its fusion=0.
    list(APPEND variant_params memsched:env.MEMSCHED_PARAMS=${ARG_PLUGIN_PARAMS}
                               memschednofusion:env.MEMSCHED_PARAMS=${ARG_PLUGIN_PARAMS},fusion=0
                               memschedtraffic:env.MEMSCHED_PARAMS=${ARG_PLUGIN_PARAMS},fusion_objective=traffic)
  endif()
  memsched_add_layer_variants(SET ${ARG_SET} CONFIG ${config} GENERATOR network PARAMS ${params}
                              VARIANTS ${ARG_VARIANTS} ${extra} VARIANT_PARAMS ${variant_params})
endfunction()
