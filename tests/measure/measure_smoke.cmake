# Smoke test of `memsched measure` on a tiny conv: two schedulers, two tiny
# LL sizes. Checks the JSON fields, that measured bytes are positive, and
# that they grow when the LL shrinks. Then one bundled autoscheduler
# (Mullapudi2016), whose schedule must be read back into a prediction, and a
# tiny max pool and fc layer (manual) that must measure and predict too.
#   cmake -DMEMSCHED=path/to/memsched -P measure_smoke.cmake
set(layer "conv2d:n=1,c=4,h=9,w=9,k=4,r=3,s=3,stride=1,pad=1")
function(measure scheduler ll out_var)
  if(ARGN)
    set(layer ${ARGN})
  endif()
  execute_process(COMMAND ${MEMSCHED} measure --layer ${layer} --scheduler ${scheduler}
                          --cache LL=${ll},2,64 --cache D1=256B,2,64 --calls 1 --json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "measure ${scheduler} LL=${ll}: exit ${rc}\n${err}")
  endif()
  foreach(field measured_ll_bytes measured_d1_bytes lower_bound_bytes compulsory_bytes cache_bytes)
    string(JSON v GET "${json}" ${field})
    if(NOT v GREATER 0)
      message(FATAL_ERROR "${scheduler} LL=${ll}: ${field}=${v} is not positive\n${json}")
    endif()
  endforeach()
  foreach(field predicted_ll_bytes relative_error predicted_d1_bytes scheduler layer)
    string(JSON v ERROR_VARIABLE missing GET "${json}" ${field})
    if(missing)
      message(FATAL_ERROR "${scheduler} LL=${ll}: no field ${field}\n${json}")
    endif()
  endforeach()
  string(JSON v GET "${json}" predicted_ll_bytes)
  if(NOT v GREATER 0)
    message(FATAL_ERROR "${scheduler} ${layer}: predicted_ll_bytes=${v} should be a positive number\n${json}")
  endif()
  string(JSON v GET "${json}" measured_ll_bytes)
  message(STATUS "${scheduler} LL=${ll}: measured_ll_bytes=${v}")
  set(${out_var} ${v} PARENT_SCOPE)
endfunction()

foreach(scheduler manual naive)
  measure(${scheduler} 4KiB big)
  measure(${scheduler} 512B small)
  if(NOT small GREATER big)
    message(FATAL_ERROR "${scheduler}: LL=512B moved ${small} B, not more than LL=4KiB (${big} B)")
  endif()
endforeach()

# A bundled autoscheduler's schedule, read back into the model.
measure(mullapudi2016 4KiB bytes)
# The other layer kinds.
measure(manual 512B bytes "maxpool:n=1,c=4,h=8,w=8,r=2,s=2,stride=2")
measure(manual 512B bytes "fc:n=1,c=64,k=8")
