# MemschedVariants: builds Halide generators into sets of AOT "variants"
# (one schedule each) that share a runtime, plus a generated C++ registry so
# tests and benchmarks can enumerate and run every variant generically.
#
#   memsched_register_variant(NAME [AUTOSCHEDULER tgt] [PARAMS p...] [PLUGINS tgt...])
#       Defines a variant name. Built in: naive (no schedule), manual
#       (manual_schedule=true), mullapudi2016, adams2019, li2018 (Debian's
#       plugins, machine_params passed explicitly). The extension point: e.g.
#       memsched_register_variant(memsched AUTOSCHEDULER memsched::MemSched PARAMS ${MEMSCHED_MACHINE_PARAMS})
#       and then list `memsched` in VARIANTS.
#   memsched_add_layer_variants(SET set CONFIG name GENERATOR gen [PARAMS k=v...]
#                               [VARIANTS v...] [TARGET t] [FROM genexe] [LAYERS l...]
#                               [VARIANT_PARAMS variant:k=v...])
#       One AOT library per variant: <set>_<config>_<variant>, function of the
#       same name. VARIANT_PARAMS go to one variant only; `env.NAME=VALUE`
#       sets an environment variable for the generator run (see
#       generators/generator_main.cpp), e.g. adams2019:env.HL_BEAM_SIZE=1.
#       TARGET (default host) must be the same for a whole set; a
#       set built for x86-64-linux-avx2 (for cachegrind) is just another SET.
#   memsched_finish_variant_set(set)
#       A static library <set> linking all of them, with the header
#       <set>_registry.h declaring `const memsched::VariantSet& <set>_registry();`
#       (see generators/variants/variant_registry.h).
#   memsched_add_network_layer_set(SET set NETWORK json [VARIANTS v...] [TARGET t] [VARIANT_PARAMS ...])
#       One config per distinct conv/pool/fc shape of a network table, at its
#       real sizes (the estimates); then call memsched_finish_variant_set.
include_guard(GLOBAL)

# ---- machine parameters for the bundled autoschedulers --------------------
# Largest cache level of cpu0 (bytes); 16 MiB when sysfs says nothing.
function(_memsched_read_llc_bytes out)
  set(best_level 0)
  set(best_bytes 16777216)
  file(GLOB cache_dirs /sys/devices/system/cpu/cpu0/cache/index*)
  foreach(dir IN LISTS cache_dirs)
    if(EXISTS ${dir}/level AND EXISTS ${dir}/size AND EXISTS ${dir}/type)
      file(STRINGS ${dir}/level level LIMIT_COUNT 1)
      file(STRINGS ${dir}/size size LIMIT_COUNT 1)
      file(STRINGS ${dir}/type type LIMIT_COUNT 1)
      if(NOT type STREQUAL "Instruction" AND level GREATER best_level AND size MATCHES "^([0-9]+)([KMG]?)$")
        set(bytes ${CMAKE_MATCH_1})
        if(CMAKE_MATCH_2 STREQUAL "K")
          math(EXPR bytes "${bytes} * 1024")
        elseif(CMAKE_MATCH_2 STREQUAL "M")
          math(EXPR bytes "${bytes} * 1048576")
        elseif(CMAKE_MATCH_2 STREQUAL "G")
          math(EXPR bytes "${bytes} * 1073741824")
        endif()
        set(best_level ${level})
        set(best_bytes ${bytes})
      endif()
    endif()
  endforeach()
  set(${out} ${best_bytes} PARENT_SCOPE)
endfunction()

if(NOT DEFINED MEMSCHED_LLC_BYTES)
  _memsched_read_llc_bytes(_memsched_llc)
  set(MEMSCHED_LLC_BYTES ${_memsched_llc} CACHE STRING "Last-level cache size (bytes) given to the autoschedulers")
endif()
if(NOT DEFINED MEMSCHED_THREADS)
  cmake_host_system_information(RESULT _memsched_cores QUERY NUMBER_OF_LOGICAL_CORES)
  set(MEMSCHED_THREADS ${_memsched_cores} CACHE STRING "Parallelism given to the autoschedulers")
endif()
set(MEMSCHED_BALANCE 40 CACHE STRING "Compute/memory balance given to the autoschedulers")
# INTERNAL cache entries: visible in every directory, whichever included this first.
set(MEMSCHED_MACHINE_PARAMS "machine_params=${MEMSCHED_THREADS},${MEMSCHED_LLC_BYTES},${MEMSCHED_BALANCE}"
    CACHE INTERNAL "machine_params for the autoschedulers")
message(STATUS "memsched: autoscheduler ${MEMSCHED_MACHINE_PARAMS}")

# ---- variant definitions -----------------------------------------------------
function(memsched_register_variant name)
  cmake_parse_arguments(ARG "" "AUTOSCHEDULER" "PARAMS;PLUGINS" ${ARGN})
  if(NOT name MATCHES "^[A-Za-z0-9]+$")
    message(FATAL_ERROR "memsched_register_variant: name=${name} must be alphanumeric")
  endif()
  set_property(GLOBAL APPEND PROPERTY MEMSCHED_VARIANT_NAMES ${name})
  set_property(GLOBAL PROPERTY MEMSCHED_VARIANT_${name}_AUTOSCHEDULER "${ARG_AUTOSCHEDULER}")
  set_property(GLOBAL PROPERTY MEMSCHED_VARIANT_${name}_PARAMS "${ARG_PARAMS}")
  set_property(GLOBAL PROPERTY MEMSCHED_VARIANT_${name}_PLUGINS "${ARG_PLUGINS}")
endfunction()

memsched_register_variant(naive)
memsched_register_variant(manual PARAMS manual_schedule=true)
memsched_register_variant(mullapudi2016 AUTOSCHEDULER Halide::Mullapudi2016 PARAMS ${MEMSCHED_MACHINE_PARAMS})
memsched_register_variant(adams2019 AUTOSCHEDULER Halide::Adams2019 PARAMS ${MEMSCHED_MACHINE_PARAMS})
memsched_register_variant(li2018 AUTOSCHEDULER Halide::Li2018 PARAMS ${MEMSCHED_MACHINE_PARAMS})
set(MEMSCHED_DEFAULT_VARIANTS naive manual mullapudi2016 adams2019 li2018 CACHE INTERNAL "variants built by default")
# Our own plugin, when autoschedule/ has defined it (it is configured first).
if(TARGET memsched::MemSched)
  memsched_register_variant(memsched AUTOSCHEDULER memsched::MemSched PARAMS ${MEMSCHED_MACHINE_PARAMS})
  set(MEMSCHED_DEFAULT_VARIANTS naive manual mullapudi2016 adams2019 li2018 memsched CACHE INTERNAL "variants built by default")
endif()

# ---- sets --------------------------------------------------------------------
function(memsched_add_layer_variants)
  cmake_parse_arguments(ARG "" "SET;CONFIG;GENERATOR;TARGET;FROM" "PARAMS;VARIANTS;LAYERS;VARIANT_PARAMS" ${ARGN})
  foreach(required SET CONFIG GENERATOR)
    if(NOT ARG_${required})
      message(FATAL_ERROR "memsched_add_layer_variants: ${required} is missing")
    endif()
  endforeach()
  if(NOT ARG_CONFIG MATCHES "^[A-Za-z0-9_]+$")
    message(FATAL_ERROR "memsched_add_layer_variants: CONFIG=${ARG_CONFIG} must be [A-Za-z0-9_]")
  endif()
  if(NOT ARG_VARIANTS)
    set(ARG_VARIANTS ${MEMSCHED_DEFAULT_VARIANTS})
  endif()
  if(NOT ARG_TARGET)
    set(ARG_TARGET host)
  endif()
  if(NOT ARG_FROM)
    set(ARG_FROM memsched_generators)
  endif()
  get_property(set_target GLOBAL PROPERTY MEMSCHED_SET_${ARG_SET}_TARGET)
  get_property(runtime GLOBAL PROPERTY MEMSCHED_SET_${ARG_SET}_RUNTIME)
  if(set_target AND NOT set_target STREQUAL ARG_TARGET)
    message(FATAL_ERROR "memsched_add_layer_variants: TARGET=${ARG_TARGET} differs from set ${ARG_SET}'s ${set_target}")
  endif()
  set_property(GLOBAL PROPERTY MEMSCHED_SET_${ARG_SET}_TARGET ${ARG_TARGET})
  get_property(known GLOBAL PROPERTY MEMSCHED_VARIANT_NAMES)
  string(JOIN " " params_text ${ARG_PARAMS})
  string(JOIN "," layers_text ${ARG_LAYERS})

  foreach(variant IN LISTS ARG_VARIANTS)
    if(NOT variant IN_LIST known)
      message(FATAL_ERROR "memsched_add_layer_variants: VARIANTS=${variant} is not registered (known: ${known})")
    endif()
    get_property(autoscheduler GLOBAL PROPERTY MEMSCHED_VARIANT_${variant}_AUTOSCHEDULER)
    get_property(variant_params GLOBAL PROPERTY MEMSCHED_VARIANT_${variant}_PARAMS)
    get_property(plugins GLOBAL PROPERTY MEMSCHED_VARIANT_${variant}_PLUGINS)
    foreach(item IN LISTS ARG_VARIANT_PARAMS)
      if(item MATCHES "^${variant}:(.+)$")
        list(APPEND variant_params ${CMAKE_MATCH_1})
      endif()
    endforeach()
    set(lib ${ARG_SET}_${ARG_CONFIG}_${variant})
    set(extra)
    if(autoscheduler)
      list(APPEND extra AUTOSCHEDULER ${autoscheduler})
    endif()
    if(plugins)
      list(APPEND extra PLUGINS ${plugins})
    endif()
    if(runtime)
      list(APPEND extra USE_RUNTIME ${runtime})
    endif()
    add_halide_library(${lib} FROM ${ARG_FROM} GENERATOR ${ARG_GENERATOR} FUNCTION_NAME ${lib}
                       TARGETS ${ARG_TARGET} PARAMS ${ARG_PARAMS} ${variant_params} ${extra})
    if(NOT runtime)
      set(runtime ${lib}.runtime)
      set_property(GLOBAL PROPERTY MEMSCHED_SET_${ARG_SET}_RUNTIME ${runtime})
    endif()
    set_property(GLOBAL APPEND PROPERTY MEMSCHED_SET_${ARG_SET}_LIBS ${lib})
    set_property(GLOBAL APPEND PROPERTY MEMSCHED_SET_${ARG_SET}_ENTRIES
                 "${ARG_CONFIG}|${variant}|${ARG_GENERATOR}|${params_text}|${layers_text}|${lib}")
  endforeach()
endfunction()

function(memsched_finish_variant_set set)
  get_property(libs GLOBAL PROPERTY MEMSCHED_SET_${set}_LIBS)
  get_property(entries GLOBAL PROPERTY MEMSCHED_SET_${set}_ENTRIES)
  if(NOT libs)
    message(FATAL_ERROR "memsched_finish_variant_set: set ${set} has no variants")
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${set}_registry)
  set(decls "")
  set(rows "")
  foreach(entry IN LISTS entries)
    string(REPLACE "|" ";" f "${entry}")
    list(GET f 0 config)
    list(GET f 1 variant)
    list(GET f 2 generator)
    list(GET f 3 params)
    list(GET f 4 layers)
    list(GET f 5 fn)
    string(APPEND decls "extern \"C\" int ${fn}_argv(void** args);\n")
    string(APPEND decls "extern \"C\" const struct halide_filter_metadata_t* ${fn}_metadata();\n")
    string(APPEND rows "    {\"${config}\", \"${variant}\", \"${generator}\", \"${params}\", \"${layers}\", &${fn}_argv, &${fn}_metadata},\n")
  endforeach()
  list(LENGTH entries count)
  file(CONFIGURE OUTPUT ${dir}/${set}_registry.h CONTENT
"// Generated by cmake/MemschedVariants.cmake: the AOT variants of set ${set}.
#pragma once

#include \"generators/variants/variant_registry.h\"

const memsched::VariantSet& ${set}_registry();
" @ONLY)
  file(CONFIGURE OUTPUT ${dir}/${set}_registry.cpp CONTENT
"// Generated by cmake/MemschedVariants.cmake: the AOT variants of set ${set}.
#include \"${set}_registry.h\"

${decls}
namespace {
const memsched::VariantEntry entries[] = {
${rows}};
} // namespace

const memsched::VariantSet& ${set}_registry() {
    static const memsched::VariantSet set{\"${set}\", entries, ${count}};
    return set;
}
" @ONLY)
  add_library(${set} STATIC ${dir}/${set}_registry.cpp)
  target_include_directories(${set} PUBLIC ${dir})
  target_link_libraries(${set} PUBLIC memsched_variant_registry ${libs})
endfunction()

# ---- network layer sets ---------------------------------------------------------
# Optional JSON member: sets out to its value, or to the default.
function(_memsched_json_or out json default)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err OR value STREQUAL "")
    set(value ${default})
  endif()
  if(value STREQUAL "ON" OR value STREQUAL "TRUE")
    set(value true)
  elseif(value STREQUAL "OFF" OR value STREQUAL "FALSE")
    set(value false)
  endif()
  set(${out} ${value} PARENT_SCOPE)
endfunction()

function(_memsched_json_required out json layer field)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${field})
  if(err)
    message(FATAL_ERROR "memsched layer set: layer ${layer} lacks field ${field}")
  endif()
  set(${out} ${value} PARENT_SCOPE)
endfunction()

function(memsched_add_network_layer_set)
  cmake_parse_arguments(ARG "" "SET;NETWORK;TARGET" "VARIANTS;VARIANT_PARAMS" ${ARGN})
  if(NOT EXISTS ${ARG_NETWORK})
    message(FATAL_ERROR "memsched_add_network_layer_set: NETWORK=${ARG_NETWORK} does not exist")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_NETWORK})
  file(READ ${ARG_NETWORK} json)
  _memsched_json_or(batch "${json}" 1 input n)
  string(JSON count LENGTH "${json}" layers)
  math(EXPR last "${count} - 1")
  set(keys)
  foreach(i RANGE ${last})
    string(JSON layer GET "${json}" layers ${i})
    string(JSON name GET "${layer}" name)
    string(JSON op GET "${layer}" op)
    string(MAKE_C_IDENTIFIER "${name}" config)
    set(params)
    if(op STREQUAL "conv2d")
      foreach(f c h w k r s)
        _memsched_json_required(${f} "${layer}" ${name} ${f})
      endforeach()
      _memsched_json_or(stride "${layer}" 1 stride)
      _memsched_json_or(pad "${layer}" 0 pad)
      _memsched_json_or(dilation "${layer}" 1 dilation)
      _memsched_json_or(groups "${layer}" 1 groups)
      set(generator conv2d_layer)
      # The bare conv: bias, batch norm and activation do not change its traffic shape.
      set(params c=${c} k=${k} kernel_w=${s} kernel_h=${r} stride=${stride} pad=${pad}
                 dilation=${dilation} groups=${groups} est_width=${w} est_height=${h} est_batch=${batch})
    elseif(op STREQUAL "maxpool" OR op STREQUAL "avgpool")
      foreach(f c h w r s)
        _memsched_json_required(${f} "${layer}" ${name} ${f})
      endforeach()
      _memsched_json_or(stride "${layer}" 1 stride)
      _memsched_json_or(pad "${layer}" 0 pad)
      _memsched_json_or(pad_end "${layer}" ${pad} pad_end)
      _memsched_json_or(ceil_mode "${layer}" false ceil_mode)
      _memsched_json_or(include_pad "${layer}" false count_include_pad)
      if(ceil_mode)
        # Ceil mode adds at most stride-1 columns of end padding.
        math(EXPR pad_end "${pad_end} + ${stride} - 1")
      endif()
      if(op STREQUAL "maxpool")
        set(kind max)
      else()
        set(kind avg)
      endif()
      set(generator pool_layer)
      set(params kind=${kind} c=${c} kernel_w=${s} kernel_h=${r} stride=${stride} pad=${pad} pad_end=${pad_end}
                 count_include_pad=${include_pad} est_width=${w} est_height=${h} est_batch=${batch})
    elseif(op STREQUAL "globalavgpool")
      foreach(f c h w)
        _memsched_json_required(${f} "${layer}" ${name} ${f})
      endforeach()
      set(generator global_avg_pool_layer)
      set(params c=${c} est_width=${w} est_height=${h} est_batch=${batch})
    elseif(op STREQUAL "fc")
      foreach(f c k)
        _memsched_json_required(${f} "${layer}" ${name} ${f})
      endforeach()
      set(generator fc_layer)
      set(params c=${c} k=${k} bias=false est_batch=${batch})
    else()
      continue()  # add, concat: element-wise, no layer-set config
    endif()
    string(JOIN " " key ${generator} ${params})
    string(MD5 hash "${key}")
    if(hash IN_LIST keys)
      set_property(GLOBAL APPEND PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_LAYERS ${name})
    else()
      list(APPEND keys ${hash})
      set_property(GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_LAYERS ${name})
      set_property(GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_CONFIG ${config})
      set_property(GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_GENERATOR ${generator})
      set_property(GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_PARAMS "${params}")
    endif()
  endforeach()
  foreach(hash IN LISTS keys)
    get_property(layers GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_LAYERS)
    get_property(config GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_CONFIG)
    get_property(generator GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_GENERATOR)
    get_property(params GLOBAL PROPERTY MEMSCHED_LS_${ARG_SET}_${hash}_PARAMS)
    set(extra)
    if(ARG_TARGET)
      set(extra TARGET ${ARG_TARGET})
    endif()
    if(ARG_VARIANTS)
      list(APPEND extra VARIANTS ${ARG_VARIANTS})
    endif()
    if(ARG_VARIANT_PARAMS)
      list(APPEND extra VARIANT_PARAMS ${ARG_VARIANT_PARAMS})
    endif()
    memsched_add_layer_variants(SET ${ARG_SET} CONFIG ${config} GENERATOR ${generator}
                                PARAMS ${params} LAYERS ${layers} ${extra})
  endforeach()
endfunction()
